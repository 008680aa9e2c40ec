"""`align chat`: talk to a checkpoint in the terminal, multi-turn, to feel what a model does.

Replies pass through the safety guard (``eval.guard``) unless ``--no-guard``: a dangerous reply is
replaced with one that fits the situation (emergency care, distance from the means, crisis lines for
``--locale``, a direct question about safety), and a safe reply to an at-risk client that lacks those
gets them appended. A line after the reply says when the guard acted.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from align.config import DEFAULT_SYSTEM_PROMPT

if TYPE_CHECKING:
    from transformers import PreTrainedModel, PreTrainedTokenizerBase

    from align.generation import SamplingSettings
    from eval.guard import GuardResult, SafetyGuard

HELP = "Type a message as the client. /reset starts a new conversation, /quit (or Ctrl-D) leaves."


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("chat", help="chat with a model or run in the terminal")
    parser.add_argument("--model", default="smollm2-135m-instruct", help="run directory, folder or model id")
    parser.add_argument("--system-prompt", default=DEFAULT_SYSTEM_PROMPT)
    parser.add_argument("--max-new-tokens", type=int, default=200)
    parser.add_argument("--sample", action="store_true", help="sample instead of greedy decoding")
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-guard", action="store_true", help="show the model's replies without the safety guard")
    parser.add_argument(
        "--locale",
        action="append",
        type=str.upper,
        help="crisis resources for this locale (US, UK, IE, CA, AU; repeatable; default: US and UK)",
    )
    parser.set_defaults(handler=cmd_chat)


def counselor_turn(
    model: PreTrainedModel,
    tokenizer: PreTrainedTokenizerBase,
    conversation: list[dict[str, str]],
    settings: SamplingSettings,
    guard: SafetyGuard | None = None,
) -> tuple[str, GuardResult | None]:
    """The counselor's next reply to ``conversation`` (ending with the client's message), through the guard if any."""
    from align.generation import generate_replies

    reply = generate_replies(model, tokenizer, [conversation], settings)[0]
    if guard is None:
        return reply, None
    result = guard.check(conversation, reply)
    return result.reply, result


def cmd_chat(args: argparse.Namespace) -> int:
    from transformers import set_seed

    from align.generation import SamplingSettings
    from align.models import load_causal_lm, load_tokenizer, resolve_model

    guard = None
    if not args.no_guard:
        from eval.embeddings import EncoderNotFoundError, get_encoder
        from eval.guard import SafetyGuard
        from eval.scorers.safety import DEFAULT_LOCALES

        guard = SafetyGuard(args.locale or DEFAULT_LOCALES)
        try:
            get_encoder()  # load the guard's risk model now, not at the first message
        except EncoderNotFoundError as exc:
            raise RuntimeError(f"{exc}; or chat without the safety guard (--no-guard)") from None
    set_seed(args.seed)
    resolved = resolve_model(args.model)
    model = load_causal_lm(resolved).eval()
    tokenizer = load_tokenizer(resolved)
    settings = SamplingSettings(args.max_new_tokens, do_sample=args.sample, temperature=args.temperature)
    system = [{"role": "system", "content": args.system_prompt}] if args.system_prompt else []
    history: list[dict[str, str]] = []
    safety = f"safety guard on ({', '.join(guard.locales)})" if guard else "safety guard OFF"
    print(f"model: {resolved.spec} ({resolved.path}); {safety}\n{HELP}")
    while True:
        try:
            text = input("\nclient> ").strip()
        except EOFError:
            print()
            return 0
        if text in ("/quit", "/exit"):
            return 0
        if text == "/reset":
            history = []
            print("(new conversation)")
            continue
        if not text:
            continue
        history.append({"role": "user", "content": text})
        reply, guarded = counselor_turn(model, tokenizer, system + history, settings, guard)
        history.append({"role": "assistant", "content": reply})
        print(f"counselor> {reply}")
        if guarded is not None and guarded.action != "none":
            what = "reply replaced" if guarded.action == "replaced" else "resources appended"
            print(f"[safety guard: client risk {guarded.risk}, {guarded.situation}; {what} ({guarded.reason})]")
