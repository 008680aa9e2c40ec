"""`align chat`: talk to a checkpoint in the terminal, multi-turn, to feel what a model does."""

from __future__ import annotations

import argparse

from align.config import DEFAULT_SYSTEM_PROMPT

HELP = "Type a message as the client. /reset starts a new conversation, /quit (or Ctrl-D) leaves."


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("chat", help="chat with a model or run in the terminal")
    parser.add_argument("--model", default="smollm2-135m-instruct", help="run directory, folder or model id")
    parser.add_argument("--system-prompt", default=DEFAULT_SYSTEM_PROMPT)
    parser.add_argument("--max-new-tokens", type=int, default=200)
    parser.add_argument("--sample", action="store_true", help="sample instead of greedy decoding")
    parser.add_argument("--temperature", type=float, default=0.7)
    parser.add_argument("--seed", type=int, default=0)
    parser.set_defaults(handler=cmd_chat)


def cmd_chat(args: argparse.Namespace) -> int:
    from transformers import set_seed

    from align.generation import SamplingSettings, generate_replies
    from align.models import load_causal_lm, load_tokenizer, resolve_model

    set_seed(args.seed)
    resolved = resolve_model(args.model)
    model = load_causal_lm(resolved).eval()
    tokenizer = load_tokenizer(resolved)
    settings = SamplingSettings(args.max_new_tokens, do_sample=args.sample, temperature=args.temperature)
    system = [{"role": "system", "content": args.system_prompt}] if args.system_prompt else []
    history: list[dict[str, str]] = []
    print(f"model: {resolved.spec} ({resolved.path})\n{HELP}")
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
        reply = generate_replies(model, tokenizer, [system + history], settings)[0]
        history.append({"role": "assistant", "content": reply})
        print(f"counselor> {reply}")
