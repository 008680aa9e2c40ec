"""A synthetic preference set whose chosen replies have a clear, checkable property.

Chosen replies name the client's feeling and end with one open (What/How) question; rejected
ones are dismissive. Neither the feeling word, a question mark nor length alone tells them
apart, so a model that learns the set has learned the property. Shared by the reward, DPO and
PPO tests: each stage must raise the rate of ``reflects_and_asks`` in fresh generations.
"""

import random
import re

FEELINGS = ["anxious", "lonely", "angry", "ashamed", "hopeless", "overwhelmed", "jealous", "guilty", "scared", "sad"]
FEELINGS += ["frustrated", "exhausted", "embarrassed", "numb"]
TOPICS = ["my exams", "my new job", "my divorce", "my sister", "my health", "moving house", "my debts"]
TOPICS += ["my best friend", "my boss", "my son", "the holidays", "my weight", "my neighbours", "my marriage"]
CLIENT = [
    "I keep thinking about {topic} and I feel {feeling}.",
    "Lately {topic} has me feeling {feeling} all the time.",
    "I feel {feeling} whenever {topic} comes up.",
]
# Reflect the client's feeling, then one open question. The last two are never trained on.
REFLECTIVE = [
    "It sounds like {topic} leaves you feeling {feeling}. What feels hardest about it?",
    "Feeling {feeling} about {topic} sounds painful. How has it been affecting you?",
    "You seem really {feeling} about {topic}. What would help you most right now?",
    "That {feeling} feeling around {topic} sounds heavy. What goes through your mind then?",
    "I hear how {feeling} {topic} is making you. What happens for you when it comes up?",
    "So {topic} brings up a lot of {feeling} feelings for you. How do you usually cope with that?",
    "It makes sense that {topic} would leave you {feeling}. What has that been like day to day?",
    "Being this {feeling} about {topic} must be hard to carry. How are you looking after yourself?",
]
# Minimising or judgemental; some name the feeling or end on a closed question, half are longer than
# the reflective replies, so neither the feeling word, a question mark nor length gives the answer.
DISMISSIVE = [
    "Being {feeling} about {topic} is silly. Just stop thinking about it.",
    "Everyone has {topic} to deal with, and plenty of people have it far worse than you do. You are "
    "overreacting, so move on.",
    "Why are you {feeling} about {topic}? It is not a real problem.",
    "Honestly {topic} is no big deal at all. People get through this every single day without all the fuss, "
    "so toughen up and stop complaining.",
    "You should not feel {feeling}. Forget about {topic} and keep busy.",
    "That is just life. Nobody wants to hear about {topic} all the time, so keep it to yourself and get on "
    "with things.",
    "Stop being so dramatic about {topic}. Feeling {feeling} will not fix anything.",
    "Is {topic} really worth all this? Other people manage it without complaining, so you can too.",
]
TRAINED_PHRASINGS = 6
OPEN_QUESTION = re.compile(r"(?:^|[.!?] )(?:What|How)\b[^.!?]*\?$")


def reflects_and_asks(feeling: str, reply: str) -> bool:
    """The property: the reply names the client's feeling and ends with an open (What/How) question."""
    return feeling in reply and bool(OPEN_QUESTION.search(reply))


def synthetic_preferences(held_out: int = 40, new_phrasings: bool = False, seed: int = 0):
    """Training pairs and held-out pairs on (feeling, topic) prompts never trained on."""
    rng = random.Random(seed)
    combos = [(f, t) for f in FEELINGS for t in TOPICS]
    rng.shuffle(combos)

    def pairs(items, phrasings: slice, prefix: str):
        return [
            {
                "prompt": [{"role": "user", "content": rng.choice(CLIENT).format(feeling=f, topic=t)}],
                "chosen": [
                    {"role": "assistant", "content": rng.choice(REFLECTIVE[phrasings]).format(feeling=f, topic=t)}
                ],
                "rejected": [
                    {"role": "assistant", "content": rng.choice(DISMISSIVE[phrasings]).format(feeling=f, topic=t)}
                ],
                "prompt_id": f"{prefix}-{i}",
                "feeling": f,
            }
            for i, (f, t) in enumerate(items)
        ]

    trained = slice(0, TRAINED_PHRASINGS)
    test_phrasings = slice(TRAINED_PHRASINGS, None) if new_phrasings else trained
    return pairs(combos[:-held_out], trained, "train"), pairs(combos[-held_out:], test_phrasings, "test")
