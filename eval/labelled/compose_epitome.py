# ruff: noqa: E501  (hand-written example sentences read better unbroken)
"""Writes ``epitome.jsonl``: counselor replies labelled with the three EPITOME mechanisms (0/1/2 each).

EPITOME (Sharma et al., 2020) rates a reply for **emotional reactions** (warmth and concern
the helper expresses), **interpretations** (understanding of what the client feels or lives
through) and **explorations** (questions into what the client has not yet said), each 0 (none),
1 (weak, generic) or 2 (strong, specific to this client).

Every fragment below was written by hand for this project. For each client situation there are
strong fragments that only fit that client (level 2); weak fragments are generic and fit anyone
(level 1); fillers (advice, information, dismissal, small talk) carry none of the three (level 0).
A reply is a few fragments, so its labels are known by construction, and the split of fragments
by situation lets cross-validation group by situation (no strong fragment is seen in training and
testing both). Run ``python -m eval.labelled.compose_epitome`` to rewrite the file; the seed is fixed.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).resolve().parent / "epitome.jsonl"
SEED = 5


@dataclass(frozen=True)
class Situation:
    key: str
    client: str
    reactions: tuple[str, str]  # strong emotional reactions, specific to this client
    interpretations: tuple[str, str]  # strong interpretations
    explorations: tuple[str, str]  # strong explorations
    advice: str  # specific, but none of the three mechanisms


SITUATIONS = [
    Situation(
        "grandmother-wedding",
        "My grandmother died two weeks before my wedding. Everyone keeps saying congratulations and I just want to scream.",
        (
            "I'm so sorry about your grandmother, and my heart goes out to you having this grief land right before your wedding.",
            "I feel really sad reading this, losing her just as you were getting ready to celebrate.",
        ),
        (
            "It sounds like the congratulations feel jarring because inside you're still grieving her, and nobody seems to see that.",
            "You're being asked to feel joyful and heartbroken at the same time, and it seems like there's no room for the heartbreak.",
        ),
        (
            "What part did you imagine your grandmother playing on the wedding day?",
            "When someone says congratulations, what do you wish you could say back to them?",
        ),
        "You could include a small tribute to her in the ceremony, like a photo or a reading.",
    ),
    Situation(
        "exam-fail",
        "I failed my nursing exam for the second time. My parents paid for the retake and I can't face telling them.",
        (
            "Oh, I'm so sorry, failing a second time after all that work must hurt, and I feel for you dreading that conversation.",
            "I really feel for you right now, carrying this news around on your own.",
        ),
        (
            "It seems like the shame about letting your parents down is weighing on you even more than the exam itself.",
            "It sounds like you're scared their disappointment will confirm the worst things you already think about yourself.",
        ),
        (
            "What do you imagine your parents will say when they hear about the retake?",
            "How did you feel walking out of the exam room this time, compared to the first attempt?",
        ),
        "Ask the nursing school about tutoring and book the next exam date before you talk to them.",
    ),
    Situation(
        "lonely-move",
        "I moved to a new city for work three months ago and I still don't know anyone. Weekends are the worst.",
        (
            "That sounds so lonely, and I'm genuinely sorry the weekends have become something you dread.",
            "I feel a pang reading this, three months is a long time to go without a friendly face nearby.",
        ),
        (
            "It sounds like the work week keeps you busy enough, but when the weekend comes the emptiness hits all at once.",
            "You seem to be missing not just company but the feeling of belonging somewhere.",
        ),
        (
            "What did a good weekend look like back home, before the move?",
            "When Saturday comes around, what goes through your mind as you look at the empty day ahead?",
        ),
        "Join a weekend running club or a volunteering group so your Saturdays have a fixed plan.",
    ),
    Situation(
        "son-yelling",
        "I screamed at my six-year-old this morning because he wouldn't put his shoes on. He cried all the way to school.",
        (
            "I'm sorry the morning went like that, it's painful to see your little one cry and know you were part of it.",
            "I feel for both of you, that school run must have felt awful.",
        ),
        (
            "It sounds like you're feeling a lot of guilt, and that this isn't the kind of parent you want to be.",
            "It seems like the rush of the morning pushed you past your limit, and now you're replaying his tears.",
        ),
        (
            "What was going on for you in the minutes before you shouted about the shoes?",
            "How do you think your son is feeling about it now, and how would you like to repair things with him?",
        ),
        "Put his shoes by the door the night before and leave ten minutes earlier.",
    ),
    Situation(
        "panic-bus",
        "I had a panic attack on the bus yesterday and now I'm scared to take it again. I need it to get to work.",
        (
            "That must have been frightening, and I'm so sorry you went through a panic attack on a crowded bus.",
            "I really feel for you, being trapped on a bus while your body panics sounds terrifying.",
        ),
        (
            "It sounds like the fear now isn't just of the bus, but of the panic coming back when you can't escape.",
            "You seem caught between needing the bus for work and dreading the moment the doors close.",
        ),
        (
            "What did you notice in your body just before the panic started on the bus?",
            "When you picture getting on the bus tomorrow, what is the scariest part of that picture?",
        ),
        "Try getting off one stop early and walking, and practise slow breathing while you ride.",
    ),
    Situation(
        "dog-died",
        "Our dog Bramble died on Sunday. She was fourteen. The house is so quiet I can't stand it.",
        (
            "I'm so sorry about Bramble, fourteen years is a whole chapter of your life, and I feel sad that it ended this way.",
            "Oh, my heart breaks for you, losing her on Sunday and coming home to silence.",
        ),
        (
            "It sounds like the quiet is a constant reminder that she's gone, in every room she used to fill.",
            "It seems like Bramble wasn't just a pet but part of the rhythm of your days, and that rhythm has stopped.",
        ),
        (
            "What moments of the day do you miss her the most?",
            "What was Bramble like when she was young, and what do you find yourself remembering now?",
        ),
        "Put away her bowl and bed for now, or donate them to a shelter when you're ready.",
    ),
    Situation(
        "boss-criticism",
        "My boss tore apart my report in front of the whole team. I wanted to disappear.",
        (
            "Ugh, I'm so sorry, being criticised in front of everyone is humiliating, and I feel for you.",
            "That sounds really painful, and I'm sorry you had to sit through that in front of your colleagues.",
        ),
        (
            "It sounds like what stung most wasn't only the criticism, but being exposed in front of the people you work with.",
            "You seem to feel small and embarrassed, as if the whole team now sees you through your boss's words.",
        ),
        (
            "What went through your mind as the team was watching?",
            "How have things felt with your colleagues since the meeting?",
        ),
        "Request a one-to-one with your boss and ask for feedback in private in future.",
    ),
    Situation(
        "divorce-kids",
        "My divorce was finalised today. I thought I'd feel relieved but I just keep thinking about the kids only seeing me every other weekend.",
        (
            "I'm really sorry, today sounds like it carried so much more sadness than you expected.",
            "I feel for you, it's hard to picture your kids only every other weekend.",
        ),
        (
            "It sounds like the relief you hoped for is buried under grief about the time with your children you're losing.",
            "It seems like the paperwork made it final, and now the loss of everyday life with the kids feels real.",
        ),
        (
            "What do you think you'll miss most about the ordinary days with your kids?",
            "What did you imagine you'd feel today, and where do you think the relief went?",
        ),
        "Plan a regular video call with the kids on the weekdays you don't see them.",
    ),
    Situation(
        "body-image",
        "I cancelled the beach trip with my friends because I can't stand how I look in a swimsuit.",
        (
            "I'm sorry you had to miss the trip, it's sad when the way we feel about our body keeps us from people we love.",
            "I feel for you, that sounds like a painful choice to make.",
        ),
        (
            "It sounds like the worry about being seen felt bigger than the fun of being with your friends.",
            "You seem to be carrying a lot of harsh judgement about your body, harsh enough to cost you a trip you wanted.",
        ),
        (
            "What were you imagining your friends would think if they saw you in a swimsuit?",
            "When did you first start feeling this way about how you look?",
        ),
        "Wear a cover-up or shorts next time so you can still go along.",
    ),
    Situation(
        "caregiver-dad",
        "I look after my dad who has dementia. Yesterday he didn't recognise me and asked me to leave his house.",
        (
            "Oh, I'm so sorry, that must have been heartbreaking to hear from your own dad.",
            "I feel so much for you, giving him so much care and then being treated like a stranger.",
        ),
        (
            "It sounds like you're grieving your dad while he's still here, and yesterday made that loss sharp.",
            "It seems like being asked to leave hurt all the more because of how much of yourself you pour into caring for him.",
        ),
        (
            "What did you do after he asked you to leave, and how did you feel afterwards?",
            "Who do you have supporting you while you care for him?",
        ),
        "Ask the memory clinic about respite care and carer support groups in your area.",
    ),
    Situation(
        "friend-ghosted",
        "My best friend of ten years just stopped replying to me. No fight, nothing. It's been two months.",
        (
            "I'm so sorry, being ghosted by someone who mattered for ten years sounds deeply painful.",
            "My heart goes out to you, two months of silence from your best friend is a lot to bear.",
        ),
        (
            "It sounds like the not knowing is almost worse than a fight would have been, because you can't make sense of it.",
            "It seems like you're left wondering what you did wrong, with nothing to go on.",
        ),
        (
            "What was the last conversation you had with your friend like?",
            "What stories have you been telling yourself about why the messages stopped?",
        ),
        "Send one clear message saying you miss them, and then give it time.",
    ),
    Situation(
        "job-loss",
        "I was made redundant after twenty years at the same company. I don't know who I am without that job.",
        (
            "I'm so sorry, losing a place you gave twenty years to is a huge blow, and I feel for you.",
            "That's heartbreaking, and I'm really sorry it ended like this after so long.",
        ),
        (
            "It sounds like the job wasn't only income but a big part of your identity, and now that part feels missing.",
            "It seems like you're not just out of work, you're unsure of your place in the world.",
        ),
        (
            "What parts of that job made you feel most like yourself?",
            "How have your days been going since you left the company?",
        ),
        "Update your CV this week and register with a recruitment agency in your sector.",
    ),
    Situation(
        "teen-exclusion",
        "Everyone in my class was invited to a party except me. I'm 14 and I saw all the photos online.",
        (
            "Oh, I'm so sorry, seeing those photos must have really hurt.",
            "I feel sad for you, being the only one left out is such a painful feeling.",
        ),
        (
            "It sounds like seeing the photos made you feel invisible, like you don't matter to your classmates.",
            "It seems like you're hurt and maybe wondering whether something is wrong with you.",
        ),
        (
            "What went through your mind when you saw the photos?",
            "Is there anyone in your class you feel closer to, even a little?",
        ),
        "Mute those accounts for a while and plan something fun with a cousin or a friend from outside school.",
    ),
    Situation(
        "insomnia-work",
        "I haven't slept more than four hours a night for a month because I keep thinking about work.",
        (
            "That sounds exhausting, and I'm sorry your nights have been taken over like this.",
            "I feel for you, a month of four-hour nights would wear anyone down.",
        ),
        (
            "It sounds like work follows you into bed, and your mind won't switch off even when your body is done.",
            "It seems like you're worn out, but the worry about work keeps winning against sleep.",
        ),
        (
            "What kinds of work thoughts tend to keep you awake?",
            "What happens in your evenings in the hours before you try to sleep?",
        ),
        "Keep a notepad by the bed, write the worries down, and stop checking email after 8pm.",
    ),
    Situation(
        "miscarriage",
        "I had a miscarriage last month. My partner seems to have moved on and I feel so alone in it.",
        (
            "I'm so deeply sorry for your loss, and I'm sorry you're feeling alone with it.",
            "My heart goes out to you, a miscarriage is a real loss and you deserve comfort in it.",
        ),
        (
            "It sounds like you're still grieving while your partner seems further along, and that gap feels lonely.",
            "It seems like you need your loss to be acknowledged, and it hurts that it feels invisible.",
        ),
        (
            "What would it mean to you if your partner grieved with you more openly?",
            "How have you been looking after yourself since the miscarriage?",
        ),
        "There are pregnancy loss charities with helplines and online support groups.",
    ),
    Situation(
        "coming-out",
        "I came out to my parents last weekend. My mum cried and my dad hasn't spoken to me since.",
        (
            "I'm so sorry, that sounds incredibly painful, especially after finding the courage to tell them.",
            "I feel for you, a week of silence from your dad must feel unbearable.",
        ),
        (
            "It sounds like you hoped for acceptance, and instead you're left with their hurt and silence.",
            "It seems like you're scared this might change your relationship with them for good.",
        ),
        (
            "What were you hoping they would say when you told them?",
            "How are you feeling about your dad's silence as the days go by?",
        ),
        "Look for an LGBT+ family support group your parents could join.",
    ),
    Situation(
        "debt",
        "I've got three credit cards maxed out and the bills keep coming. I hide the letters from my wife.",
        (
            "That sounds so stressful, and I'm sorry you've been carrying it on your own.",
            "I feel for you, hiding those letters every day must be exhausting.",
        ),
        (
            "It sounds like the secret is becoming as heavy as the debt itself.",
            "You seem to be afraid of what your wife will think of you if she finds out.",
        ),
        (
            "What do you imagine would happen if you told your wife about the cards?",
            "When did the debt start feeling like something you had to hide?",
        ),
        "Contact a free debt advice charity and list every balance and interest rate.",
    ),
    Situation(
        "new-mum",
        "My baby is six weeks old and I don't feel the love everyone talks about. I just feel tired and numb.",
        (
            "I'm so sorry you're feeling this way, and I'm glad you said it out loud.",
            "My heart goes out to you, six weeks of exhaustion and numbness is so hard.",
        ),
        (
            "It sounds like you're worried something is wrong with you because your feelings don't match what you were told to expect.",
            "It seems like the tiredness has flattened everything, and you feel guilty for not feeling more.",
        ),
        (
            "What did you imagine those first weeks with your baby would feel like?",
            "How are you sleeping, and who is helping you at night?",
        ),
        "Mention it to your health visitor or GP at the six-week check.",
    ),
    Situation(
        "bullied-work",
        "A colleague keeps making jokes about my accent in meetings. Everyone laughs and I just smile.",
        (
            "I'm sorry you're dealing with this, it's not okay and I feel for you sitting through it.",
            "That sounds really hurtful, and I'm sorry nobody has stepped in.",
        ),
        (
            "It sounds like you smile to get through it, but inside you feel mocked and alone in the room.",
            "It seems like the laughter from everyone else makes it hurt even more, as if they're all in on it.",
        ),
        (
            "What do you feel in the moment, right as you smile along?",
            "What would you say to this colleague if you knew there'd be no consequences?",
        ),
        "Keep a record of each incident and raise it with HR.",
    ),
    Situation(
        "sister-illness",
        "My sister was diagnosed with breast cancer. I'm the strong one in the family and I can't let them see me fall apart.",
        (
            "I'm so sorry about your sister's diagnosis, that's frightening news for all of you.",
            "I feel for you, holding everyone together while you're scared too is so much to carry.",
        ),
        (
            "It sounds like being the strong one leaves you no space for your own fear and sadness.",
            "It seems like you're afraid that if you let yourself cry, the family will lose its anchor.",
        ),
        (
            "Where do your own feelings about your sister's illness go when you're being strong for everyone?",
            "Who, if anyone, gets to see you when you're not being the strong one?",
        ),
        "Ask the hospital about family support services and write down questions for the next appointment.",
    ),
    Situation(
        "retirement",
        "I retired in March and I thought I'd love it. Instead I wander around the house feeling useless.",
        (
            "I'm sorry it hasn't been the happy change you hoped for, that sounds disheartening.",
            "I feel for you, it's hard when something you looked forward to feels so empty.",
        ),
        (
            "It sounds like work gave you purpose and structure, and without it the days feel shapeless.",
            "It seems like feeling useless is a shock for you, after years of being needed.",
        ),
        (
            "What did you picture yourself doing in retirement before March came?",
            "What parts of your working life do you miss the most?",
        ),
        "Volunteer a couple of mornings a week or take an evening class.",
    ),
    Situation(
        "dating-rejection",
        "I finally asked someone out and they laughed and said no. I feel like an idiot.",
        (
            "Ouch, I'm sorry, being laughed at after working up the courage sounds really hurtful.",
            "I feel for you, that's a painful response to something brave.",
        ),
        (
            "It sounds like the laugh hurt even more than the no, as if it turned a brave moment into a humiliating one.",
            "It seems like you're embarrassed and replaying it, wondering what you did wrong.",
        ),
        (
            "What went through your mind right after they laughed?",
            "What made you decide to ask them out in the first place?",
        ),
        "Next time, ask in a private message so there's less pressure on both of you.",
    ),
    Situation(
        "anger-partner",
        "I punched a door during an argument with my girlfriend. I've never done anything like that and it scared us both.",
        (
            "I can hear how shaken you are, and I'm glad you're talking about it.",
            "That must have been scary for both of you, and I'm sorry it came to that.",
        ),
        (
            "It sounds like you're frightened by how angry you got, because it doesn't match who you believe you are.",
            "It seems like the punch scared you as much as it scared her, and you want to understand what happened.",
        ),
        (
            "What was happening in the argument in the moments before you hit the door?",
            "How have things been between you and your girlfriend since that night?",
        ),
        "When an argument heats up, agree to take a twenty-minute break before continuing.",
    ),
    Situation(
        "student-pressure",
        "My parents expect me to become a doctor but I want to study art. I'm 17 and applications are due soon.",
        (
            "That sounds like a lot of pressure to carry at 17, and I feel for you.",
            "I'm sorry you're stuck between their hopes and your own with a deadline looming.",
        ),
        (
            "It sounds like you're torn between not wanting to disappoint your parents and not wanting to give up on art.",
            "It seems like art feels like a real part of who you are, and choosing medicine would mean hiding that part.",
        ),
        (
            "What does art give you that you don't think medicine would?",
            "What do you imagine your parents would say if you told them you wanted to apply for art?",
        ),
        "Look at courses that combine both, such as medical illustration.",
    ),
    Situation(
        "chronic-pain",
        "My back pain has lasted two years now. Doctors keep saying there's nothing they can find.",
        (
            "I'm so sorry, two years of pain without answers sounds exhausting and discouraging.",
            "I feel for you, living with pain every day and still not being believed is so hard.",
        ),
        (
            "It sounds like not finding a cause leaves you feeling dismissed, as if the pain isn't real to them.",
            "It seems like you're worn out from hoping each appointment will finally explain it.",
        ),
        (
            "How has the pain changed what you're able to do day to day?",
            "What goes through your mind when a doctor says they can't find anything?",
        ),
        "Ask for a referral to a pain management clinic and try physiotherapy.",
    ),
    Situation(
        "twins-overwhelm",
        "I have three-year-old twins and a full-time job. I cried in the car park at work today because I can't keep up.",
        (
            "Oh, I'm so sorry, that sounds overwhelming, and I feel for you crying alone in that car park.",
            "My heart goes out to you, that's so much to juggle on your own.",
        ),
        (
            "It sounds like you've been holding everything together for a long time, and today it just spilled over.",
            "It seems like you feel you're falling short everywhere, at home and at work.",
        ),
        (
            "What happened today that made it all come out in the car park?",
            "What support do you have at home with the twins right now?",
        ),
        "Ask your manager about flexible hours and share a childcare rota with other parents.",
    ),
    Situation(
        "ex-new-partner",
        "My ex just announced she's engaged, six months after we broke up. I thought I was over her.",
        (
            "Oof, I'm sorry, that news must have hit you hard.",
            "I feel for you, hearing about her engagement so soon after the breakup is painful.",
        ),
        (
            "It sounds like the engagement brought back feelings you thought you'd already left behind.",
            "It seems like it's not just about her, it's about how quickly she seems to have moved on while you're still healing.",
        ),
        (
            "What did you feel in the first moment you saw the announcement?",
            "What does being over her mean to you?",
        ),
        "Unfollow her on social media for a while.",
    ),
    Situation(
        "social-anxiety-class",
        "I get so anxious when the lecturer asks questions that I skip seminars. Now I'm falling behind.",
        (
            "That sounds really stressful, and I'm sorry the anxiety is costing you so much.",
            "I feel for you, it's tough when fear keeps you away from something you care about.",
        ),
        (
            "It sounds like skipping brings relief in the moment, but leaves you more worried about falling behind.",
            "It seems like the fear of being put on the spot is so strong that missing the seminar feels safer.",
        ),
        (
            "What do you imagine would happen if the lecturer asked you a question?",
            "How do you feel on the days after you've skipped a seminar?",
        ),
        "Email the lecturer and ask for the seminar notes, and see the university's disability service.",
    ),
    Situation(
        "father-alcohol",
        "My dad drinks every night and gets nasty. I'm 19 and still living at home because I can't afford to move.",
        (
            "I'm sorry you're living with that every night, it sounds really hard.",
            "I feel for you, being stuck at home with his drinking must be draining.",
        ),
        (
            "It sounds like home doesn't feel safe or restful, and you feel trapped there for now.",
            "It seems like you're bracing yourself every evening for what kind of night it will be.",
        ),
        (
            "What happens when he gets nasty, and how do you cope in those moments?",
            "What would it mean to you to have a place of your own?",
        ),
        "Look into student housing or a house share, and contact a support service for families of drinkers.",
    ),
    Situation(
        "imposter-promotion",
        "I got promoted to team lead and I'm terrified everyone will realise I don't know what I'm doing.",
        (
            "Congratulations, and I'm sorry that the promotion is coming with so much fear.",
            "I feel for you, it's hard when something good arrives tangled up with dread.",
        ),
        (
            "It sounds like you don't feel you deserve the role, even though someone chose you for it.",
            "It seems like you're waiting to be found out, and that's taking the joy out of the promotion.",
        ),
        (
            "What would it look like if someone realised you didn't know something?",
            "What do you think your manager saw in you when they promoted you?",
        ),
        "Ask for a mentor and book a leadership course in your first three months.",
    ),
    Situation(
        "pet-rehome",
        "We had to rehome our cat because of my son's allergies. My daughter hasn't forgiven me.",
        (
            "I'm sorry, that sounds like a painful decision for the whole family.",
            "I feel for you, it's hard to make a choice for one child that breaks the other's heart.",
        ),
        (
            "It sounds like you did what you had to for your son, but you're carrying your daughter's grief and anger too.",
            "It seems like you feel guilty, as if protecting one child meant letting the other down.",
        ),
        (
            "How has your daughter been showing you that she's upset?",
            "What was it like for you to say goodbye to the cat?",
        ),
        "Ask the new owners if your daughter could visit or get photo updates.",
    ),
    Situation(
        "older-isolation",
        "I'm 81 and my wife died last year. The only person I talk to most weeks is the woman at the post office.",
        (
            "I'm so sorry about your wife, and I'm sorry the weeks have become this quiet.",
            "My heart goes out to you, that sounds like a very lonely way to live after so many years together.",
        ),
        (
            "It sounds like the post office chat has become a small lifeline in weeks that otherwise feel empty.",
            "It seems like you're missing not just your wife, but the everyday companionship you shared with her.",
        ),
        (
            "What were your days like when your wife was still here?",
            "What do you and the woman at the post office talk about?",
        ),
        "Age charities run befriending phone calls and lunch clubs for people in your area.",
    ),
]

# Weak (level 1) fragments: generic, they would fit any client.
WEAK_REACTIONS = [
    "I'm sorry to hear that.",
    "That's rough.",
    "Sending you a hug.",
    "Hang in there.",
    "I'm sorry you're going through this.",
    "Aw, that's tough.",
    "Everything will be okay.",
    "I hope things get better soon.",
    "That really sucks.",
    "Oh no, I'm sorry.",
    "Sorry about that.",
    "Wishing you the best.",
    "It'll work out in the end.",
    "Stay strong.",
    "Big hugs.",
    "I'm sorry, truly.",
]
WEAK_INTERPRETATIONS = [
    "I understand how you feel.",
    "I get it.",
    "I know what you mean.",
    "I can see why you'd feel that way.",
    "That makes sense.",
    "I've been there too.",
    "I can relate to that.",
    "Anyone would feel the same in your shoes.",
    "Your feelings are valid.",
    "I hear you.",
    "I know how that is.",
    "That's understandable.",
    "I went through something like this once.",
    "I understand where you're coming from.",
]
WEAK_EXPLORATIONS = [
    "What happened?",
    "How are you feeling?",
    "Do you want to talk about it?",
    "Can you tell me more?",
    "How are you doing now?",
    "What's going on?",
    "Want to say more?",
    "How long has this been going on?",
    "What's on your mind?",
    "Is there anything else you'd like to share?",
    "How's everything else?",
    "Tell me more about that.",
    "What do you think?",
    "How has your week been?",
]
# Level 0 for all three mechanisms.
FILLERS = [
    "Try to get some exercise every day.",
    "You should get more sleep.",
    "Make a to-do list and work through it.",
    "It's not a big deal.",
    "Everyone goes through this at some point.",
    "Many people find therapy useful.",
    "There are apps that can help with this.",
    "Drink more water and eat regular meals.",
    "You need to stop overthinking.",
    "Just focus on the positives.",
    "Lots of people have it worse.",
    "Meditation is popular for a reason.",
    "Anyway, life goes on.",
    "You should talk to a professional.",
    "Keep busy and it will pass.",
    "I had a long day too.",
    "Have you tried yoga?",
    "Write it all down in a journal.",
    "Just try not to think about it.",
    "That's life, unfortunately.",
    "Here are some tips: routine, sunlight, and less caffeine.",
    "It is what it is.",
    "Set some goals for the week.",
    "Maybe take a holiday.",
]
CONNECTIVES = ["", "", "", "Also, ", "And ", "Honestly, ", "Still, "]


def _join(parts: list[str], rng: random.Random) -> str:
    out = []
    for i, part in enumerate(parts):
        lead = rng.choice(CONNECTIVES) if i else ""
        keep = not lead or part.split()[0] in ("I", "I'm", "I've", "I'd")
        out.append(lead + (part if keep else part[0].lower() + part[1:]))
    return " ".join(out)


def compose(rng: random.Random, situation: Situation, levels: tuple[int, int, int]) -> str:
    """A reply with exactly the given (reactions, interpretations, explorations) levels."""
    er, ip, ex = levels
    parts: list[str] = []
    if er:
        parts.append(rng.choice(situation.reactions) if er == 2 else rng.choice(WEAK_REACTIONS))
    if ip:
        parts.append(rng.choice(situation.interpretations) if ip == 2 else rng.choice(WEAK_INTERPRETATIONS))
    n_fill = rng.choice([0, 0, 1, 1, 2]) if (er or ip or ex) else rng.choice([1, 2, 2, 3])
    fill = [situation.advice] if rng.random() < 0.5 else []
    fill += rng.sample(FILLERS, k=max(0, n_fill - len(fill)))
    parts.extend(fill[: max(n_fill, 1 if not (er or ip or ex) else 0)])
    if ex:
        parts.append(rng.choice(situation.explorations) if ex == 2 else rng.choice(WEAK_EXPLORATIONS))
    if rng.random() < 0.25:  # questions usually come last, but not always
        rng.shuffle(parts)
    return _join(parts, rng)


def rows(per_situation: int = 14) -> list[dict]:
    rng = random.Random(SEED)
    all_levels = [(a, b, c) for a in range(3) for b in range(3) for c in range(3)]
    out, seen = [], set()
    for situation in SITUATIONS:
        chosen = rng.sample(all_levels, k=per_situation)
        for levels in chosen:
            reply = compose(rng, situation, levels)
            if reply in seen:
                continue
            seen.add(reply)
            out.append(
                {
                    "situation": situation.key,
                    "client": situation.client,
                    "reply": reply,
                    "emotional_reactions": levels[0],
                    "interpretations": levels[1],
                    "explorations": levels[2],
                }
            )
    return out


def main() -> None:
    data = rows()
    OUT.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in data), encoding="utf-8")
    print(f"wrote {len(data)} rows to {OUT}")


if __name__ == "__main__":
    main()
