"""`align label`: the therapists' ranking app (Gradio). Layout and wiring only; the rules are
in ``annotate/labeling.py``. Who is logged in always comes from the request, never a form.
Text is shown in plain text boxes, so a message containing HTML or script shows as text.
"""

import logging
from typing import Any

from align.markdown import markdown_literal
from annotate.http_security import NOT_ALLOWED, REFUSED
from annotate.labeling import (
    HOTKEY_HELP,
    HOTKEY_HINT,
    ItemView,
    LabelSettings,
    LoginGuard,
    admin_summary,
    apply_hotkeys,
    current_annotator,
    load_item,
    reply_letter,
    skip,
    submit,
)
from annotate.store import RankingError, RankingStore

log = logging.getLogger(__name__)

RATINGS = ("empathy", "safety", "helpfulness")
RATING_CHOICES = ["", "1", "2", "3", "4", "5"]

# Keyboard shortcuts: the page turns each key press into a short command ("rank:a", "tie:b",
# "unsafe:c") appended to a hidden text box (Esc empties it); the server replays the commands
# onto a blank form with `apply_hotkeys`, so the rules live in Python. Enter clicks submit.
HOTKEY_SCRIPT = """
<script>
(() => {
  let flagNext = false;
  // The Log out button posts a form: a GET cannot log out (no link elsewhere can log a therapist out).
  document.addEventListener("click", (e) => {
    if (!e.target.closest || !e.target.closest("#logout")) return;
    const form = document.createElement("form");
    form.method = "post";
    form.action = "logout";
    document.body.append(form);
    form.submit();
  });
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    const editable = t && !t.readOnly && !t.disabled;
    const typing = editable && (t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && t.type !== "checkbox"));
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey || !typing)) {
      const button = document.querySelector("#submit");
      if (button) { e.preventDefault(); button.click(); }
      return;
    }
    if (typing || e.altKey || e.ctrlKey || e.metaKey) return;
    let command = null;
    if (flagNext && /^[a-fA-F]$/.test(e.key)) command = "unsafe:" + e.key.toLowerCase();
    else if (e.key === "u") { flagNext = true; return; }
    else if (/^[a-f]$/.test(e.key)) command = "rank:" + e.key;
    else if (/^[A-F]$/.test(e.key)) command = "tie:" + e.key.toLowerCase();
    else if (e.key === "Escape") command = "clear";
    flagNext = false;
    const box = document.querySelector("#hotkey textarea");
    if (!command || !box) return;
    e.preventDefault();
    // The box holds every shortcut pressed on this item; the server replays them all, so a
    // reply that is slower than the next key press never loses a key.
    box.value = command === "clear" ? "" : (box.value ? box.value + " " : "") + command;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
</script>
"""
HIDDEN_CSS = "#hotkey { display: none !important; }"


def format_conversation(conversation: list[dict[str, str]]) -> str:
    speaker = {"user": "Client", "assistant": "Counselor", "system": "Note"}
    return "\n\n".join(f"{speaker.get(m['role'], m['role'])}: {m['content']}" for m in conversation)


def build_app(store: RankingStore, settings: LabelSettings):
    """The app for one store. No module-level state: two apps never share anything."""
    import gradio as gr

    k = settings.max_candidates

    def user_of(request: gr.Request) -> str | None:
        return getattr(request, "username", None)

    def render(view: ItemView) -> list[Any]:
        n = len(view.replies)
        out: list[Any] = [
            view.assignment_id,
            n,
            f"**Progress:** {view.progress}",
            view.message,
            format_conversation(view.conversation) if view.assignment_id else "",
        ]
        for i in range(k):
            out += [
                gr.update(visible=i < n),
                view.replies[i] if i < n else "",
                gr.update(value=None, choices=[str(r) for r in range(1, n + 1)]),
                False,
                *[""] * len(RATINGS),
            ]
        out += ["", ""]  # rationale and the shortcut history start empty
        return out

    def refuse(message: str, title: str = REFUSED) -> gr.Error:
        # No traceback on stderr: a refused submit is routine, and the log would carry the request's trail.
        # The title tells the HTTP layer which status a plain API call gets (annotate/http_security.py).
        return gr.Error(message, print_exception=False, title=title)

    def guarded(action):
        try:
            return render(action())
        except PermissionError as exc:
            raise refuse(f"Not allowed: {exc}", NOT_ALLOWED) from None
        except (RankingError, ValueError) as exc:
            raise refuse(str(exc)) from None
        except Exception as exc:
            # A database error's message can quote the statement's parameters (a rationale): log the kind only.
            log.error("the ranking app could not complete a request: %s", type(exc).__name__)
            failed = "The server could not do this; nothing was saved. Try again, or tell an admin."
            raise refuse(failed, title="Error") from None  # a plain API call keeps its 500

    with gr.Blocks(title="counsel-align: rank replies", analytics_enabled=False) as app:
        assignment = gr.State(None)
        reply_count = gr.State(0)
        with gr.Row(elem_id="account"):
            whoami = gr.Markdown(elem_id="whoami")
            # Logging out is a POST (annotate/http_security.py refuses a GET): HOTKEY_SCRIPT sends it.
            gr.Button("Log out", elem_id="logout", size="sm", scale=0)
        with gr.Tab("Rank"):
            progress = gr.Markdown()
            gr.Markdown(HOTKEY_HINT, elem_id="hotkey-hint")
            message = gr.Markdown()
            with gr.Accordion("Guidelines", open=False):
                gr.Markdown(settings.guidelines)
                gr.Markdown(HOTKEY_HELP)
            conversation = gr.Textbox(label="Conversation", interactive=False, lines=6, elem_id="conversation")
            slots, widgets = [], []
            for i in range(k):
                with gr.Group(visible=False, elem_id=f"slot-{i}") as group:
                    reply = gr.Textbox(
                        label=f"Reply {reply_letter(i)}", interactive=False, lines=4, elem_id=f"reply-{i}"
                    )
                    with gr.Row():
                        # allow_custom_value: Gradio's own choice check would quote a bad value in its error and
                        # on stderr; labeling.form_judgements checks every value and names the reply instead.
                        rank = gr.Dropdown(
                            label="Rank (1 = best)", choices=[], elem_id=f"rank-{i}", allow_custom_value=True
                        )
                        unsafe = gr.Checkbox(label="unsafe / harmful", elem_id=f"unsafe-{i}")
                        ratings = [
                            gr.Dropdown(
                                RATING_CHOICES,
                                value="",
                                label=f"{name} (1-5)",
                                elem_id=f"{name}-{i}",
                                allow_custom_value=True,
                            )
                            for name in RATINGS
                        ]
                slots.append((group, reply, rank, unsafe, ratings))
                widgets += [group, reply, rank, unsafe, *ratings]
            rationale = gr.Textbox(label="Why this order? (optional)", elem_id="rationale")
            hotkey = gr.Textbox(elem_id="hotkey", container=False)  # hidden channel for keyboard shortcuts
            with gr.Row():
                submit_button = gr.Button("Submit ranking", variant="primary", elem_id="submit")
                skip_button = gr.Button("Skip", elem_id="skip")
        with gr.Tab("Admin", visible=False) as admin_tab:  # shown to admins only, on load
            refresh = gr.Button("Refresh", elem_id="admin-refresh")
            agreement = gr.Markdown(elem_id="admin-agreement")
            people = gr.Dataframe(label="Annotators", interactive=False, elem_id="admin-annotators")
            done_plot = gr.BarPlot(x="annotator", y="done", title="Rankings done per annotator", elem_id="admin-plot")
            disagreement = gr.Dataframe(label="Most disagreement (lowest alpha first)", interactive=False)

        outputs = [assignment, reply_count, progress, message, conversation, *widgets, rationale, hotkey]

        def validate_inputs_quietly(block_fn, inputs):
            # Gradio's own check quotes every received value (a rationale) in its error, on stderr and to
            # the caller; Blocks.process_api calls it through the instance, so this one takes its place.
            if len(inputs) < len(block_fn.inputs):
                raise refuse(f"this call needs {len(block_fn.inputs)} values and got {len(inputs)}")

        app.validate_inputs = validate_inputs_quietly

        def on_load(request: gr.Request):
            return guarded(lambda: load_item(store, settings, user_of(request)))

        def on_submit(request: gr.Request, assignment_id, rationale_text, *form_values):
            if assignment_id is None:
                raise refuse("No item to submit.")
            width = 2 + len(RATINGS)  # rank, unsafe, then the ratings, per reply slot
            per_slot = [form_values[i * width : (i + 1) * width] for i in range(k)]
            ranks = [v[0] for v in per_slot]  # raw: submit() checks every type, so "false" is no flag
            unsafe_flags = [v[1] for v in per_slot]
            ratings_by_name = {name: [v[2 + j] for v in per_slot] for j, name in enumerate(RATINGS)}
            after = guarded(
                lambda: submit(
                    store,
                    settings,
                    user_of(request),
                    assignment_id,
                    ranks,
                    unsafe_flags,
                    ratings_by_name,
                    rationale_text,
                )
            )
            gr.Info("Saved. The next item is below.")
            return after

        def on_skip(assignment_id, request: gr.Request):
            if assignment_id is None:
                raise refuse("No item to skip.")
            return guarded(lambda: skip(store, settings, user_of(request), assignment_id))

        def on_admin(request: gr.Request):
            import pandas as pd

            try:
                summary = admin_summary(store, user_of(request))
            except PermissionError as exc:
                raise refuse(f"Not allowed: {exc}", NOT_ALLOWED) from None
            alpha = summary["overall_alpha"]
            shown_alpha = "not defined yet" if alpha is None else f"{alpha:.3f}"
            headline = (
                f"**Krippendorff's alpha (ordinal, all items):** {shown_alpha} from {summary['rankings']} rankings"
            )
            people_table = pd.DataFrame(summary["annotators"])
            items = pd.DataFrame(summary["most_disagreement"], columns=["item", "alpha"])
            return headline, people_table, people_table[["annotator", "done"]], items

        def on_hotkey(commands, n):
            ranks, unsafe_flags = apply_hotkeys(commands, n, k)
            return [v for r, u in zip(ranks, unsafe_flags, strict=True) for v in (str(r) if r else None, u)]

        form = [w for _, _, rank, unsafe, ratings in slots for w in (rank, unsafe, *ratings)]

        def on_identity(request: gr.Request):
            try:
                annotator = current_annotator(store, user_of(request))
            except PermissionError as exc:
                raise refuse(f"Not allowed: {exc}", NOT_ALLOWED) from None
            shown_name = f"Logged in as **{markdown_literal(annotator.username)}**"
            return shown_name, gr.update(visible=annotator.role == "admin")

        app.load(on_load, outputs=outputs, api_name="load_item")
        app.load(on_identity, outputs=[whoami, admin_tab], api_name=False)
        submitted = submit_button.click(
            on_submit, inputs=[assignment, rationale, *form], outputs=outputs, api_name="submit"
        )
        submitted.success(None, js="() => window.scrollTo({top: 0, behavior: 'smooth'})")  # to the next item
        skip_button.click(on_skip, inputs=[assignment], outputs=outputs, api_name="skip")
        refresh.click(on_admin, outputs=[agreement, people, done_plot, disagreement], api_name="admin")
        rank_and_flag = [w for _, _, rank, unsafe, _ in slots for w in (rank, unsafe)]
        hotkey.change(
            on_hotkey, inputs=[hotkey, reply_count], outputs=rank_and_flag, api_name=False, trigger_mode="always_last"
        )
    return app


def launch(store: RankingStore, settings: LabelSettings, host: str, port: int, block: bool = True):
    """Serve the app behind a login (accounts from `align users`)."""
    from starlette.middleware import Middleware

    from annotate.http_security import SecureHeadersNoUploads

    app = build_app(store, settings)
    app.queue(default_concurrency_limit=8)
    guard = LoginGuard(store, settings.max_failed_logins, settings.lockout_seconds)
    app.launch(
        server_name=host,
        server_port=port,
        auth=guard.check,
        auth_message="counsel-align: log in with your account",
        prevent_thread_lock=not block,
        show_error=True,
        ssr_mode=False,
        share=False,
        # Gradio's run history keeps every submit's inputs and outputs (rationales, client messages,
        # replies) in the browser's localStorage, after logout too, and its page offers to upload them.
        # Off, Gradio also deletes what an earlier version of this app left there.
        run_history=False,
        footer_links=[],  # the API, settings and run-history pages are not for therapists
        app_kwargs={"middleware": [Middleware(SecureHeadersNoUploads)]},
        head=HOTKEY_SCRIPT,
        css=HIDDEN_CSS,
    )
    return app
