"""Write ``counseling/crisis_train.jsonl`` (``sample:crisis_train``): at-risk training conversations and look-alikes.

    python -m align.sample_data.compose_crisis_train      # or: make crisis-data

The sample ``train`` split has 48 at-risk conversations, too few for a 135M model to learn that a
client with a plan, an overdose or a violent partner needs crisis resources *first*. This file adds
project-written ones, composed from fragments written for it (never from an eval set):

- **at-risk** (risk ``moderate``/``high``): eight kinds (suicide plan, active and passive ideation,
  an overdose under way, a means question, self-harm, harm to others, abuse), in several voices
  (first person, about someone else, lowercase and slang, and the risk arriving only in a later turn);
- **look-alikes** (risk ``none``): idioms such as "this commute is killing me", answered as the
  ordinary worries they are, so that learning to refer does not become referring everyone.

Each at-risk reply is short and puts what the situation needs early (one reflection, a direct
question about safety, then the kind's resources and an invitation to use them), so that a model
that learns it still gives the resources within a 96-token reply. The crisis numbers are public
facts (US 988 / 741741 / 911 / Poison Control 1-800-222-1222 / National Domestic Violence Hotline
1-800-799-7233; UK Samaritans 116 123 / Shout 85258 / 999 / Refuge 0808 2000 247 / Childline 0800 1111).

Composition is deterministic (a fixed seed, sorted output): re-running writes the same bytes, and a
test holds the committed file to that.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

OUT = Path(__file__).parent / "counseling" / "crisis_train.jsonl"
SEED = 20261206

# ---------------------------------------------------------------- what clients say

OPENERS = [
    "",
    "Work has been relentless for months and I stopped sleeping properly. ",
    "Since the divorce went through I have been on my own in the flat. ",
    "I lost my job in the spring and the money is almost gone. ",
    "My mum died in January and everything has been grey since. ",
    "I've been in my room most of the week, barely eating. ",
    "Exams start next week and I already know I'm going to fail them. ",
    "My partner left and took the kids to her parents'. ",
    "I've tried therapy twice and nothing changes. ",
    "It's 3am and I can't stop my head going round. ",
    "Nobody at uni really knows me, I just go to lectures and come back. ",
    "The pain in my back never stops and the doctors shrug. ",
]
CLOSERS = [
    "",
    "",
    " I don't know why I'm telling a chatbot this.",
    " Sorry, this is a lot.",
    " Please don't lecture me.",
]


@dataclass(frozen=True)
class Kind:
    topic: str
    risk: str
    first_person: list[str]  # what the client discloses, in their own words
    about_someone: list[str]  # the same risk, in someone the client is worried about
    slang: list[str]  # lowercase, texting register
    reflections: list[str]  # the reply's opening: what the counselor heard
    questions: list[str]  # a direct question about safety right now
    resources: list[str]  # where to turn, with an invitation to do it
    someone_resources: list[str]  # the same, for a client worried about someone else


SUICIDAL_RESOURCES = [
    "Please reach out tonight: in the US you can call or text 988, and in the UK you can call Samaritans on "
    "116 123, any time. If you might act on this soon, call 911 or 999 now.",
    "You don't have to hold this alone. Please call or text 988 if you're in the US, or ring Samaritans free on "
    "116 123 in the UK; if you're in danger right now, call 911 or 999.",
    "Will you contact someone right now? In the US the 988 Suicide & Crisis Lifeline answers calls and texts, "
    "in the UK Samaritans are on 116 123, and if you feel you might act, call 911 or 999.",
    "Please talk to someone trained for exactly this moment: call or text 988 in the US, or call Samaritans on "
    "116 123 or text SHOUT to 85258 in the UK. If you're about to act, call 911 or 999.",
    "Could you call a crisis line while we keep talking? In the US that's 988, by call or text; in the UK, "
    "Samaritans on 116 123. If things feel out of control, call 911 or 999.",
]
SOMEONE_RESOURCES = [
    "If you think they might act soon, call 911 or 999 now and stay with them. You can also call or text 988 "
    "in the US, or Samaritans on 116 123 in the UK, for advice on what to say.",
    "Please don't leave them alone if they are in danger: call 911 or 999. Crisis lines help worried friends "
    "and family too: 988 in the US, Samaritans on 116 123 in the UK. Could you call one with them?",
    "You can ask them directly whether they are thinking of suicide; asking does not put the idea there. Then "
    "call or text 988 together in the US, or Samaritans on 116 123 in the UK, and call 911 or 999 if they "
    "are in danger now.",
]

KINDS: dict[str, Kind] = {
    "suicide_plan": Kind(
        topic="suicidal_ideation",
        risk="high",
        first_person=[
            "I've decided to end it this weekend. I've written letters for my sister and my best mate.",
            "I have the pills saved up in a drawer and I'm going to take them tonight when the house is quiet.",
            "I know which bridge I'm going to. I drove past it today to check.",
            "I've been giving my things away. I gave my guitar to my nephew yesterday. I won't need it after Friday.",
            "I'm going to drive the car into the reservoir on Sunday. I've picked the road.",
            "I bought rope this afternoon. I just want someone to know before I do it.",
            "Tonight is the night. I've said my goodbyes without saying them.",
            "I've set a date. My birthday. I don't want to see another one.",
            "I've been researching how to do it for weeks and I've made up my mind.",
            "I updated my will and cancelled my subscriptions. I'm going to kill myself after my shift tomorrow.",
            "When my flatmate goes away on Thursday I'm going to end my life. I've planned it all.",
            "I've got everything I need in my bag. I'm sitting in the car park working up to it.",
        ],
        about_someone=[
            "My brother told me he's going to kill himself this weekend and he's given away his dog.",
            "My girlfriend texted me goodbye and said she has the pills ready. She won't answer now.",
            "My son left a note saying sorry and that tonight is the end. I don't know where he is.",
            "My best friend said she's picked a date to die and made me promise not to tell.",
        ],
        slang=[
            "ngl im gonna kms tonight. already got the stuff",
            "im done. gonna unalive myself after my parents go to sleep",
            "wrote my notes. catching the bus tonight for good, if u know what i mean",
            "got it all planned for friday. this is just me saying bye i guess",
        ],
        reflections=[
            "I'm really glad you told me, and I'm taking what you said very seriously.",
            "It sounds like the pain has become so heavy that ending your life feels like the only way out.",
            "Thank you for telling me this. I can hear how exhausted and alone you are.",
            "I hear that you've been carrying this by yourself, and that you've reached a very dark place.",
            "What you're describing tells me you're in real danger, and I'm worried about you.",
        ],
        questions=[
            "Are you safe right now, and can you put the things you planned to use somewhere out of reach?",
            "Can you move away from what you planned to use and get somewhere with other people tonight?",
            "Is there someone who could come and be with you right now while you make a call?",
            "Will you tell me whether you're somewhere safe at this moment?",
        ],
        resources=SUICIDAL_RESOURCES,
        someone_resources=SOMEONE_RESOURCES,
    ),
    "active_ideation": Kind(
        topic="suicidal_ideation",
        risk="moderate",
        first_person=[
            "I keep thinking about killing myself. I don't have a plan, the thought just won't leave.",
            "Most days I want to die. I get through work and then sit in the car thinking about it.",
            "I've started thinking suicide might be the answer. That scares me a bit.",
            "Every time I cross a road I think about not stopping. I want it to be over.",
            "I think about ending my life most nights now. I haven't done anything, but it's getting louder.",
            "I don't want to be alive anymore. I'm tired of pretending I do.",
            "The thought of killing myself feels comforting, which I know isn't normal.",
            "I want to die and I can't see that changing.",
            "Some days suicide is the only thing I think about from waking up to going to bed.",
            "I've been having suicidal thoughts since the breakup and they're stronger this week.",
        ],
        about_someone=[
            "My daughter is fifteen and she told me she thinks about killing herself. What do I do?",
            "A friend from work keeps saying she wants to die, and I don't think she's joking anymore.",
            "My husband said last night that he thinks about suicide every day.",
            "My flatmate told me he wants to die. He laughed it off but I can't stop thinking about it.",
        ],
        slang=[
            "lowkey want to unalive myself every day rn",
            "been thinking about sewerslide a lot lately lol. not lol actually",
            "i just wanna die honestly. everything is pointless",
            "thinking abt kms again. its every night now",
        ],
        reflections=[
            "Thank you for trusting me with this. Living with thoughts of suicide every day is exhausting.",
            "It sounds like you're in a lot of pain, and these thoughts are getting harder to push away.",
            "I'm glad you said this out loud. Thoughts of killing yourself deserve real care, not silence.",
            "I can hear how tired you are of feeling this way, and I'm concerned about you.",
            "That sounds frightening and lonely to carry, and I'm really glad you reached out.",
        ],
        questions=[
            "Have you thought about how you would do it, or when?",
            "Are you safe right now, and do you have anything at home you've thought of using?",
            "Do you feel you could act on these thoughts tonight?",
            "Is there anyone near you who knows how you're feeling?",
        ],
        resources=SUICIDAL_RESOURCES,
        someone_resources=SOMEONE_RESOURCES,
    ),
    "passive_ideation": Kind(
        topic="depression",
        risk="moderate",
        first_person=[
            "Sometimes I wish I could go to sleep and just not wake up.",
            "Everyone would be better off without me. I'm just a weight on them.",
            "I wouldn't mind if a bus hit me. I wouldn't do anything, I just wouldn't mind.",
            "I keep hoping something happens to me so I don't have to keep going.",
            "What's the point of me. I'm not going to do anything but I don't see why I'm here.",
            "I wish I'd never been born. It would have been easier for everyone.",
            "If I didn't wake up tomorrow I think I'd be relieved.",
            "I feel like I'm just waiting for my life to be over.",
            "I don't want to kill myself, I just want to disappear for good.",
            "Part of me hopes the plane goes down on my work trip next week.",
        ],
        about_someone=[
            "My dad keeps saying we'd be better off without him. He's been like this since he retired.",
            "My friend said she wishes she could go to sleep forever. Is that something to worry about?",
            "My teenage son told me he wouldn't care if he died. He says he's fine though.",
        ],
        slang=[
            "wish i could just not exist tbh",
            "honestly if i didnt wake up tmrw that would be fine by me",
            "everyone would be better off if i was gone ngl",
            "kinda hoping i just dont wake up",
        ],
        reflections=[
            "It sounds like you're carrying so much that disappearing feels like relief.",
            "Feeling like a burden to the people you love is a painful place to be, and I'm glad you told me.",
            "That kind of tiredness with life is heavy, and it deserves to be taken seriously.",
            "I hear how worn down you are, and how alone this feels.",
            "Thank you for being honest about this. Wishing not to wake up tells me you're in a lot of pain.",
        ],
        questions=[
            "I want to ask you directly: are you having thoughts of ending your life?",
            "Can I ask whether these thoughts ever turn into thinking about suicide?",
            "Are you safe right now, and have you had any thoughts of hurting yourself?",
            "Have these feelings ever included thinking about how you might end your life?",
        ],
        resources=[
            "If those thoughts get stronger or you don't feel safe, please reach out: call or text 988 in the US, "
            "or call Samaritans on 116 123 in the UK, day or night.",
            "You deserve support with this. You can talk to someone any time by calling or texting 988 in the US or "
            "calling Samaritans on 116 123 in the UK, and please tell your doctor how you've been feeling.",
            "Please reach out to someone today: 988 by call or text in the US, Samaritans on 116 123 or a text to "
            "SHOUT at 85258 in the UK. They listen without judging.",
        ],
        someone_resources=[
            "It's worth asking them directly whether they are thinking of suicide. You can also call or text 988 "
            "in the US or Samaritans on 116 123 in the UK for advice on how to support them.",
            "Please gently ask them whether they've thought of ending their life, and encourage them to talk to "
            "their doctor. Crisis lines help family too: you can call or text 988 in the US, or call Samaritans on "
            "116 123 in the UK.",
        ],
    ),
    "recent_overdose": Kind(
        topic="overdose",
        risk="high",
        first_person=[
            "I took a whole packet of paracetamol about an hour ago. I feel fine so maybe it didn't work.",
            "I swallowed all my sleeping tablets twenty minutes ago. I'm starting to feel heavy.",
            "I took a lot of my antidepressants on purpose tonight. I'm scared now.",
            "I took loads of pills and drank half a bottle of vodka. I don't know why I'm writing.",
            "I overdosed on my mum's painkillers after school. Nobody knows.",
            "I've taken about thirty ibuprofen. My stomach hurts. Should I just go to sleep?",
            "I took everything in the medicine cabinet an hour ago. I regret it now.",
            "I drank some bleach a little while ago. My throat is burning.",
            "I took my whole week of tablets at once. I feel dizzy and sick.",
        ],
        about_someone=[
            "My friend just told me she took a bottle of pills an hour ago and is lying down.",
            "My brother says he swallowed a load of his prescription tablets. He's slurring.",
            "My girlfriend took an overdose and says not to call anyone. What do I do?",
        ],
        slang=[
            "took a bunch of pills like an hour ago. feeling weird",
            "i od'd on purpose earlier. kinda scared now ngl",
            "downed all my meds. its fine i think, i feel ok",
        ],
        reflections=[
            "I'm really glad you told me, and I'm worried about you.",
            "Thank you for telling me. This is a medical emergency, even if you feel okay right now.",
            "I'm so glad you reached out. What you've taken can cause serious harm hours later.",
            "I hear that you're scared, and reaching out was exactly the right thing to do.",
        ],
        questions=[
            "Can you call for help right now, before anything else?",
            "Is anyone near you who can stay with you while you call?",
            "Will you make that call now and tell them exactly what you took and when?",
        ],
        resources=[
            "Please call 911 in the US or 999 in the UK right now, or go to the nearest emergency department. In "
            "the US you can also call Poison Control on 1-800-222-1222.",
            "Please get emergency help now: call 911 or 999, or have someone take you to A&E or the emergency room. "
            "Some overdoses do their damage later, so don't wait to see how you feel.",
            "Call 999 in the UK or 911 in the US now and tell them what you took. Poison Control is also on "
            "1-800-222-1222 in the US. Afterwards, Samaritans on 116 123 or 988 are there to talk.",
        ],
        someone_resources=[
            "Please call 911 or 999 right now, even if they ask you not to. Stay with them, and keep the packets "
            "to show the paramedics. In the US, Poison Control is on 1-800-222-1222.",
            "This is an emergency: call 999 in the UK or 911 in the US now, and stay with them until help arrives. "
            "Don't wait to see if they get better.",
        ],
    ),
    "means_question": Kind(
        topic="suicidal_ideation",
        risk="high",
        first_person=[
            "Since my wife died nothing matters. How many of my sleeping tablets would be too many?",
            "Random question but how high does a building need to be for a fall to be fatal? Asking for a story.",
            "I'm so done with everything. Which painkillers are the most dangerous to mix?",
            "What's the quickest way to go without it hurting? I'm tired of all of this.",
            "How long does it take to die from carbon monoxide in a car? I just want to know.",
            "I lost everything this year. What's a lethal amount of paracetamol?",
            "Is the bridge by the station high enough? I keep walking over it.",
            "Hypothetically, what's the most painless way to end things? I can't keep going.",
        ],
        about_someone=[
            "My son has been asking me how many pills would kill a person. He's been very low.",
            "My friend keeps searching how high you need to fall to die. She says it's for a book.",
        ],
        slang=[
            "whats the easiest way to unalive urself. asking for me",
            "how many pills is too many. not that it matters anymore",
            "how tall does a bridge need to be. just wondering. everything sucks",
        ],
        reflections=[
            "I'm not going to answer that, because I'm worried it's about hurting yourself, and I care what "
            "happens to you.",
            "It sounds like you're in a lot of pain, and I want to understand what's behind that question.",
            "I won't give that information, but I don't want to leave you alone with what you're going through.",
            "That question worries me, especially with everything you've been carrying.",
        ],
        questions=[
            "Are you thinking about ending your life?",
            "Can I ask you directly whether you're thinking of suicide?",
            "Are you safe right now, and is there anyone with you?",
        ],
        resources=SUICIDAL_RESOURCES,
        someone_resources=SOMEONE_RESOURCES,
    ),
    "self_harm": Kind(
        topic="self_harm",
        risk="moderate",
        first_person=[
            "I cut myself again last night. It's the only thing that makes the noise stop.",
            "I've started burning my arm with a lighter when things get too much.",
            "I relapsed on self harm after eight months clean. I feel so ashamed.",
            "I hit my head against the wall until it bled. I don't know why I do it.",
            "The urge to hurt myself is really strong tonight. I've got the blade out.",
            "I scratch my legs until they bleed when I'm anxious. It's getting worse.",
            "I self harm most nights and hide it under long sleeves.",
            "I cut deeper than usual today and it won't stop bleeding properly.",
        ],
        about_someone=[
            "I found cuts on my daughter's arms. She says it's nothing.",
            "My boyfriend burns himself when he's stressed. He made me promise not to tell.",
        ],
        slang=[
            "relapsed again. cut last night. whatever",
            "sh urges are so bad rn. blade is right here",
            "been hurting myself again ngl. its the only thing that helps",
        ],
        reflections=[
            "Thank you for telling me. Hurting yourself to get through the pain tells me how much you're holding.",
            "I'm really glad you told me. There's no shame in this; it sounds like it's been your way to cope.",
            "It sounds like the feelings get so big that hurting yourself is the only relief you've found.",
            "I hear how hard tonight is, and I'm glad you're talking instead of being alone with it.",
        ],
        questions=[
            "Is the injury bad enough that it needs medical care?",
            "Are you safe right now, and could you put the blade somewhere out of reach while we talk?",
            "Have you had any thoughts of suicide along with this?",
        ],
        resources=[
            "If a wound is deep or won't stop bleeding, please call 911 or 999 or go to A&E now. For the urges, "
            "you can call or text 988 in the US, or call Samaritans on 116 123 or text SHOUT to 85258 in the UK.",
            "Please reach out tonight: text or call 988 in the US, or Samaritans on 116 123 in the UK. If you're "
            "badly hurt, call 911 or 999.",
            "You deserve support with this. You can text SHOUT to 85258 in the UK or call or text 988 in the US "
            "any time, and if an injury is serious, please get emergency care.",
        ],
        someone_resources=[
            "If a wound looks deep, call 911 or 999. Otherwise, try to stay calm and let them talk; you can call "
            "or text 988 in the US or Samaritans on 116 123 in the UK for advice, and help them see their doctor.",
        ],
    ),
    "harm_to_others": Kind(
        topic="anger",
        risk="high",
        first_person=[
            "I'm so angry at my neighbour I want to go round there with a knife.",
            "I'm scared I'm going to hurt my baby. She won't stop crying and I'm losing it.",
            "My ex is with someone new. I know where he lives and I want to make him pay.",
            "I nearly hit my son today. I had my hand up. I'm frightened of what I'll do.",
            "I keep thinking about hurting my boss. I've thought about how I'd do it.",
            "I want to kill the guy who attacked my sister. I've been following him.",
            "I got my dad's gun out of the safe tonight. I'm so angry at my stepdad.",
        ],
        about_someone=[
            "My brother says he's going to hurt his ex and he has a knife in his car.",
            "My friend keeps talking about bringing a weapon to school. I think he means it.",
        ],
        slang=[
            "im gonna hurt him fr. he deserves it",
            "lowkey want to kill my stepdad. not joking this time",
        ],
        reflections=[
            "Thank you for telling me. I can hear how strong this feeling is, and I'm taking it seriously.",
            "It sounds like the anger has become frightening, even to you, and telling me was the right step.",
            "I hear how overwhelmed you are, and that you don't want anyone to get hurt.",
        ],
        questions=[
            "Can you put distance between yourself and anything you could use to hurt someone right now?",
            "Is anyone in danger at this moment?",
            "Could you leave the room, or ask someone you trust to hold on to the weapon?",
        ],
        resources=[
            "If anyone is in danger now, call 911 or 999. You can also talk this through with someone straight "
            "away: call or text 988 in the US, or Samaritans on 116 123 in the UK.",
            "Please step away now and, if someone is at risk, call 911 in the US or 999 in the UK. A crisis line can "
            "help you get through the next hour: 988 in the US, Samaritans on 116 123 in the UK.",
        ],
        someone_resources=[
            "If someone could be hurt soon, please call 911 or 999 now, and tell a teacher, police officer or "
            "another adult you trust. You can also call 988 or Samaritans on 116 123 to talk through what to do.",
        ],
    ),
    "abuse": Kind(
        topic="abuse",
        risk="high",
        first_person=[
            "My husband hit me again last night and he took my phone. He's asleep now.",
            "My partner strangled me during an argument. He said sorry but I'm frightened.",
            "My stepdad comes into my room at night. I'm 14 and I can't tell my mum.",
            "My girlfriend locks me in the flat when she goes out and controls all my money.",
            "He said if I leave he'll kill me and the kids. I believe him.",
            "My dad beats me when he's drunk. He's drinking now.",
            "My boyfriend pushed me down the stairs and told me I deserved it.",
        ],
        about_someone=[
            "I think my neighbour's kids are being hurt. I hear screaming every night.",
            "My sister's husband hits her. She covers the bruises and says I'm overreacting.",
        ],
        slang=[
            "my bf hit me again lol. its fine i probably deserved it",
            "dad is drunk again and throwing stuff. im hiding in my room",
        ],
        reflections=[
            "Thank you for telling me. What is happening to you is not your fault, and you deserve to be safe.",
            "I'm so sorry. Nobody has the right to hurt you, and I'm glad you reached out.",
            "That sounds terrifying, and it took courage to write this.",
        ],
        questions=[
            "Are you in danger right now?",
            "Is there somewhere safe you can go, or someone you trust who could come to you?",
            "Are you safe at this moment, and can you get to a phone?",
        ],
        resources=[
            "If you are in danger now, call 911 in the US or 999 in the UK. The National Domestic Violence Hotline "
            "is on 1-800-799-7233 in the US, and Refuge on 0808 2000 247 in the UK, day and night.",
            "If you're in immediate danger, please call 911 or 999. If you're young, Childline is on 0800 1111 in "
            "the UK; in the US you can call or text 988 or the Domestic Violence Hotline on 1-800-799-7233.",
            "In an emergency, call 911 or 999. To plan how to stay safe, please reach out to Refuge on 0808 2000 247 "
            "in the UK or the National Domestic Violence Hotline on 1-800-799-7233 in the US.",
        ],
        someone_resources=[
            "If someone is in danger right now, call 911 or 999. You can also call the National Domestic Violence "
            "Hotline on 1-800-799-7233 in the US or Refuge on 0808 2000 247 in the UK for advice on helping them.",
        ],
    ),
}
COUNTS = {  # conversations per kind
    "suicide_plan": 40,
    "active_ideation": 40,
    "passive_ideation": 40,
    "recent_overdose": 30,
    "means_question": 30,
    "self_harm": 35,
    "harm_to_others": 30,
    "abuse": 30,
}
SOMEONE_REFLECTIONS = [  # the reply's opening when the client is worried about someone else
    "Thank you for telling me. You're right to take this seriously, and it's clear how much you care about them.",
    "That sounds frightening to hear from someone you love, and I'm glad you reached out.",
    "I can hear how worried you are. What you've noticed matters, and it's good you're acting on it.",
]
CLOSING = [
    "I'm here and I'll keep talking with you.",
    "You reached out, and that matters.",
    "",
    "We can keep talking while you do.",
]

# An ordinary first exchange, for conversations where the risk only appears in the client's second turn.
EARLY_TURNS = [
    (
        "I've been feeling off lately and I can't put my finger on it.",
        "Feeling off without knowing why can be unsettling. What have the last few weeks been like for you?",
    ),
    ("Work is a lot at the moment.", "It sounds like work is taking a lot out of you. What's been the hardest part?"),
    (
        "I don't really know how to start this.",
        "That's okay, there's no right way to start. What's on your mind today?",
    ),
    (
        "My family keeps asking if I'm okay and I keep saying yes.",
        "Saying yes when you might not feel it can be tiring. How are you really doing?",
    ),
    ("I haven't been sleeping well.", "Poor sleep can make everything feel harder. What keeps you awake?"),
]

# ---------------------------------------------------------------- look-alikes: frightening words, no risk

IDIOMS = [
    ("work_stress", "This commute is killing me. Two hours each way and I'm exhausted."),
    ("work_stress", "My boss is going to kill me, I missed the deadline again."),
    ("work_stress", "I'm dying under this workload and nobody notices."),
    ("work_stress", "I could murder a coffee, this week has been endless."),
    ("work_stress", "If I have to sit through one more pointless meeting I'll shoot myself, honestly."),
    ("school", "This exam is going to be the death of me."),
    ("school", "I bombed my presentation today. I wanted the floor to swallow me up."),
    ("school", "My dissertation is killing me slowly."),
    ("school", "I literally died of embarrassment when I tripped in front of the whole class."),
    ("family_conflict", "My mum will kill me when she sees my report card."),
    ("family_conflict", "Christmas with my in-laws is my own personal hell."),
    ("family_conflict", "My sister drives me to the edge every time we talk."),
    ("relationships", "I'm dying to know if he likes me back."),
    ("relationships", "My ex is dead to me after what she did."),
    ("relationships", "I'd rather die than go to his work party again."),
    ("anxiety", "I nearly had a heart attack when the smoke alarm went off at 2am."),
    ("anxiety", "I'm scared to death of the dentist tomorrow."),
    ("health", "These new running shoes are killing my feet."),
    ("health", "I'm dead on my feet after the night shift."),
    ("life_transitions", "Moving house is killing me, there are boxes everywhere."),
    ("self_esteem", "I wanted to die of shame when I forgot his name."),
    ("parenting", "The toddler is going to be the death of me, she won't nap."),
    ("sleep", "I'm so tired I could sleep for a hundred years."),
    ("anger", "My flatmate left the dishes again, I could strangle him."),
    ("grief", "My grandad always said he'd die laughing, and he nearly did at my wedding."),
    ("substance_use", "I overdosed on coffee before the interview and my hands were shaking."),
    ("work_stress", "I'm drowning in emails."),
    ("school", "Maths is killing me, I just don't get it."),
    ("anxiety", "My heart stopped when I saw the exam results email."),
    ("relationships", "I'd kill for a weekend without arguing."),
]
IDIOM_VOICES = ["", "ugh. ", "Honestly, ", "lol ", "Not going to lie, "]
IDIOM_REPLIES = {
    "work_stress": [
        "That sounds draining, and it makes sense you're worn out. What would make the week feel more manageable?",
        "It sounds like work is asking more of you than there is to give. What's weighing on you most?",
    ],
    "school": [
        "That sounds stressful, and it's clear how much you care about doing well. What part feels hardest?",
        "Moments like that can sting for days. How are you feeling about it now?",
    ],
    "family_conflict": [
        "Family can get under our skin like nobody else. What's been happening between you?",
        "That sounds frustrating. What would you like to be different when you're together?",
    ],
    "relationships": [
        "That's a lot of feeling wrapped up in one person. What's going on for you with it?",
        "It sounds like this has really stirred you up. What do you make of it so far?",
    ],
    "anxiety": [
        "That sounds like a real jolt of fear. How are you feeling now that it's passed?",
        "Dreading something like that is so common, and it still feels awful. What worries you most about it?",
    ],
    "health": ["That sounds uncomfortable and tiring. How are you looking after yourself at the moment?"],
    "life_transitions": ["Big changes are exhausting even when they're good ones. How are you holding up?"],
    "self_esteem": ["Those moments feel huge at the time. What did you tell yourself about it afterwards?"],
    "parenting": ["Little ones can stretch anyone's patience. What's been getting you through the days?"],
    "sleep": ["It sounds like you're running on empty. What's been getting in the way of rest?"],
    "anger": ["Living with someone who doesn't pull their weight gets old fast. How have you raised it with him?"],
    "grief": ["What a warm memory of him. How are you feeling when you think of him these days?"],
    "substance_use": ["Interview nerves plus too much caffeine is a tough mix. How did it go?"],
}

# ---------------------------------------------------------------- composing


def slang(text: str) -> str:
    """Lowercase, apostrophes dropped, a few shortenings: how many clients actually type."""
    text = text.lower().replace("'", "").replace(".", "")
    for long, short in (("you ", "u "), ("really", "rly"), ("because", "bc"), ("to be honest", "tbh")):
        text = text.replace(long, short)
    return re.sub(r"\s+", " ", text).strip()


def at_risk_conversations(rng: random.Random) -> list[dict]:
    rows = []
    for name, kind in KINDS.items():
        seen: set[str] = set()
        n = 0
        while n < COUNTS[name]:
            voice = rng.choices(
                ["first_person", "about_someone", "slang", "lowercase_misspelt", "multi_turn_late"],
                weights=[4, 1, 1.5, 1, 1.5],
            )[0]
            if voice == "about_someone":
                said = rng.choice(kind.about_someone)
                resources = kind.someone_resources
                question = "How are they right now, and are you with them?"
                reflection = rng.choice(SOMEONE_REFLECTIONS)
            elif voice == "slang":
                said, resources, question = rng.choice(kind.slang), kind.resources, rng.choice(kind.questions)
                reflection = rng.choice(kind.reflections)
            else:
                said = rng.choice(OPENERS) + rng.choice(kind.first_person) + rng.choice(CLOSERS)
                said = slang(said) if voice == "lowercase_misspelt" else said
                resources, question = kind.resources, rng.choice(kind.questions)
                reflection = rng.choice(kind.reflections)
            if said in seen:
                continue
            seen.add(said)
            n += 1
            reply = " ".join(
                part for part in (reflection, question, rng.choice(resources), rng.choice(CLOSING)) if part
            )
            messages = [{"role": "user", "content": said}, {"role": "assistant", "content": reply}]
            if voice == "multi_turn_late":
                early_client, early_counselor = rng.choice(EARLY_TURNS)
                messages = [
                    {"role": "user", "content": early_client},
                    {"role": "assistant", "content": early_counselor},
                    *messages,
                ]
            rows.append(
                {
                    "id": f"c-{name}-{n:03d}",
                    "topic": kind.topic,
                    "kind": name,
                    "voice": voice,
                    "risk": kind.risk,
                    "messages": messages,
                }
            )
    return rows


def look_alike_conversations(rng: random.Random) -> list[dict]:
    rows = []
    for i, (topic, said) in enumerate(IDIOMS):
        for j, voice in enumerate(rng.sample(IDIOM_VOICES, 3)):
            text = voice + (said[0].lower() + said[1:] if voice else said)
            reply = rng.choice(IDIOM_REPLIES[topic])
            rows.append(
                {
                    "id": f"c-idiom-{i * 3 + j + 1:03d}",
                    "topic": topic,
                    "kind": "idiom",
                    "voice": "lowercase_misspelt" if voice in ("ugh. ", "lol ") else "first_person",
                    "risk": "none",
                    "messages": [{"role": "user", "content": text}, {"role": "assistant", "content": reply}],
                }
            )
    return rows


def compose() -> list[dict]:
    rng = random.Random(SEED)
    rows = at_risk_conversations(rng) + look_alike_conversations(rng)
    return sorted(rows, key=lambda row: row["id"])


def main() -> None:
    rows = compose()
    OUT.write_text("".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows), encoding="utf-8")
    at_risk = sum(row["risk"] in ("moderate", "high") for row in rows)
    print(f"wrote {OUT}: {len(rows)} conversations ({at_risk} at-risk, {len(rows) - at_risk} look-alikes)")


if __name__ == "__main__":
    main()
