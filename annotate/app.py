"""`align label`: the therapists' ranking app (Gradio). Layout and wiring only; the rules are
in ``annotate/labeling.py``. Who is logged in always comes from the request, never a form.
Text is shown in plain text boxes, so a message containing HTML or script shows as text.
"""

import logging
import os
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
    check_form,
    current_annotator,
    load_item,
    reply_letter,
    skip,
    submit,
)
from annotate.store import RankingError, RankingStore, rationale_problem

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
      // While the page asks "a tie?", Enter answers yes; otherwise it submits.
      const confirm = document.querySelector("#confirm-tie");
      const button = confirm && confirm.offsetParent ? confirm : document.querySelector("#submit");
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
# The item's layout: the conversation on the left stays in view (sticky) while the replies, side by side in
# a grid of as many columns as fit, scroll past it; on a narrow screen everything stacks.
PAGE_CSS = """
#hotkey { display: none !important; }
/* Gradio clips its container with overflow: hidden, which would stop the sticky column; clip does not. */
.gradio-container { overflow: clip !important; }
#client-side { position: sticky; top: 8px; align-self: flex-start; }
#reply-grid { display: grid !important; grid-template-columns: repeat(auto-fill, minmax(380px, 1fr)); gap: 12px; }
#reply-grid > * { min-width: 0 !important; }
.reply-error, .reply-error *, .form-error, .form-error * { color: var(--error-text-color, #b91c1c) !important; }
.reply-error { padding: 4px 12px; font-weight: 600; }
/* An error box with no error takes no room, and the tie question shows only while it has a question. Emptying
   a box beats hiding it: Gradio answers any property update, even gr.skip(), by building a new component for
   the session (about 0.4 ms each), where a plain value costs almost nothing (bench/label_latency.py). */
.reply-error:not(:has(p)), .form-error:not(:has(p)) { display: none !important; }
#tie-question:not(:has(#tie-text p)) { display: none !important; }
"""


def sentence(text: str) -> str:
    """``text`` as a sentence: a capital first letter and a full stop (the letters A-F inside stay as they are)."""
    return text[:1].upper() + text[1:] + "."


def format_conversation(conversation: list[dict[str, str]]) -> str:
    speaker = {"user": "Client", "assistant": "Counselor", "system": "Note"}
    return "\n\n".join(f"{speaker.get(m['role'], m['role'])}: {m['content']}" for m in conversation)


def build_app(store: RankingStore, settings: LabelSettings):
    """The app for one store. No module-level state: two apps never share anything."""
    import gradio as gr

    k = settings.max_candidates

    def user_of(request: gr.Request) -> str | None:
        return getattr(request, "username", None)

    def render(view: ItemView, replies_before: int | None = None) -> list[Any]:
        """The page's outputs for ``view``. When the item before had as many replies (the usual case), the rank
        choices stay as they are: a rank is then reset with a plain value, where new choices are a property
        update, which costs the server a component built for the session (bench/label_latency.py). The slots'
        visibility is always sent: a gr.skip() costs Gradio as much as an update."""
        n = len(view.replies)
        same_layout = n == replies_before
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
                None if same_layout else gr.update(value=None, choices=[str(r) for r in range(1, n + 1)]),
                False,
                *[""] * len(RATINGS),
            ]
        out += ["", ""]  # rationale and the shortcut history start empty
        out += [""] * (k + 1)  # no errors shown...
        out.append("")  # ...and no tie question
        return out

    def refuse(message: str, title: str = REFUSED) -> gr.Error:
        # No traceback on stderr: a refused submit is routine, and the log would carry the request's trail.
        # The title tells the HTTP layer which status a plain API call gets (annotate/http_security.py).
        return gr.Error(message, print_exception=False, title=title)

    def guarded(action, replies_before: int | None = None):
        try:
            return render(action(), replies_before)
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
            with gr.Row(elem_id="item"):
                with gr.Column(scale=1, min_width=300, elem_id="client-side"):
                    conversation = gr.Textbox(
                        label="Conversation", interactive=False, lines=8, max_lines=24, elem_id="conversation"
                    )
                    with gr.Accordion("Guidelines", open=False):
                        gr.Markdown(settings.guidelines)
                        gr.Markdown(HOTKEY_HELP)
                with gr.Column(scale=2, min_width=380):
                    slots, widgets, reply_errors = [], [], []
                    with gr.Row(elem_id="reply-grid"):
                        for i in range(k):
                            # A Group draws the reply and its controls as one compact card.
                            with gr.Group(visible=False, elem_id=f"slot-{i}") as group:
                                reply = gr.Textbox(
                                    label=f"Reply {reply_letter(i)}",
                                    interactive=False,
                                    lines=3,
                                    max_lines=12,
                                    elem_id=f"reply-{i}",
                                )
                                # The error about this reply, right under it, in the page's letters.
                                reply_errors.append(gr.Markdown(elem_id=f"error-{i}", elem_classes="reply-error"))
                                with gr.Row():
                                    # allow_custom_value: Gradio's own choice check would quote a bad value in its
                                    # error and on stderr; labeling.check_form checks every value instead.
                                    rank = gr.Dropdown(
                                        label="Rank (1 = best)",
                                        choices=[],
                                        elem_id=f"rank-{i}",
                                        allow_custom_value=True,
                                    )
                                    unsafe = gr.Checkbox(label="unsafe / harmful", elem_id=f"unsafe-{i}")
                                with gr.Row():
                                    ratings = [
                                        gr.Dropdown(
                                            RATING_CHOICES,
                                            value="",
                                            label=f"{name} (1-5)",
                                            elem_id=f"{name}-{i}",
                                            allow_custom_value=True,
                                            min_width=90,
                                        )
                                        for name in RATINGS
                                    ]
                            slots.append((group, reply, rank, unsafe, ratings))
                            widgets += [group, reply, rank, unsafe, *ratings]
                    rationale = gr.Textbox(label="Why this order? (optional)", elem_id="rationale")
                    form_error = gr.Markdown(elem_id="form-error", elem_classes="form-error")
                    hotkey = gr.Textbox(elem_id="hotkey", container=False)  # hidden channel for keyboard shortcuts
                    # Equal ranks are easy to give by mistake (a rank left at its first choice): ask first.
                    with gr.Group(elem_id="tie-question"):  # shown while #tie-text holds a question (PAGE_CSS)
                        tie_text = gr.Markdown(elem_id="tie-text")
                        with gr.Row():
                            confirm_tie = gr.Button("Yes, they tie: submit", variant="primary", elem_id="confirm-tie")
                            cancel_tie = gr.Button("No, let me change the ranks", elem_id="cancel-tie")
                    with gr.Row():
                        submit_button = gr.Button("Submit ranking", variant="primary", elem_id="submit")
                        skip_button = gr.Button("Skip", elem_id="skip")
        with gr.Tab("Admin", visible=False) as admin_tab:  # shown to admins only, on load
            refresh = gr.Button("Refresh", elem_id="admin-refresh")
            agreement = gr.Markdown(elem_id="admin-agreement")
            people = gr.Dataframe(label="Annotators", interactive=False, elem_id="admin-annotators")
            done_plot = gr.BarPlot(x="annotator", y="done", title="Rankings done per annotator", elem_id="admin-plot")
            disagreement = gr.Dataframe(label="Most disagreement (lowest alpha first)", interactive=False)

        errors = [*reply_errors, form_error]
        outputs = [
            assignment,
            reply_count,
            progress,
            message,
            conversation,
            *widgets,
            rationale,
            hotkey,
            *errors,
            tie_text,
        ]

        def validate_inputs_quietly(block_fn, inputs):
            # Gradio's own check quotes every received value (a rationale) in its error, on stderr and to
            # the caller; Blocks.process_api calls it through the instance, so this one takes its place.
            if len(inputs) < len(block_fn.inputs):
                raise refuse(f"this call needs {len(block_fn.inputs)} values and got {len(inputs)}")

        app.validate_inputs = validate_inputs_quietly

        def on_load(request: gr.Request):
            return guarded(lambda: load_item(store, settings, user_of(request)))

        def split_form(form_values):
            """The form's values as (ranks, unsafe flags, ratings by name), raw: "false" is checked, not a flag."""
            width = 2 + len(RATINGS)  # rank, unsafe, then the ratings, per reply slot
            per_slot = [form_values[i * width : (i + 1) * width] for i in range(k)]
            ratings_by_name = {name: [v[2 + j] for v in per_slot] for j, name in enumerate(RATINGS)}
            return [v[0] for v in per_slot], [v[1] for v in per_slot], ratings_by_name

        def on_page_submit(request: gr.Request, assignment_id, n, rationale_text, *form_values):
            """The page's Submit button: a form with a problem or an unconfirmed tie is not stored; each problem
            is shown once, under its reply, or the tie is asked about, and no input changes (nothing entered is
            lost). A complete form is stored as by the API's submit. One round trip either way."""
            ranks, unsafe_flags, ratings_by_name = split_form(form_values)
            check = check_form(list(range(n or 0)), ranks, unsafe_flags, ratings_by_name)
            general = "no item to submit" if assignment_id is None else rationale_problem(rationale_text)
            if not check.ok:  # said beside the Submit button, where the eyes are, rather than in a toast over a reply
                marked = ", ".join(reply_letter(slot) for slot in sorted(check.problems))
                general = "; ".join(filter(None, [f"not saved: see the marks under reply {marked}", general]))
            ties = check.ties() if not general else []
            if not general and not ties:
                return on_submit(request, assignment_id, n, rationale_text, *form_values)
            shown = [sentence("; ".join(check.problems[i])) if i in check.problems else "" for i in range(k)]
            shown.append(sentence(general) if general else "")
            question = f"**Is that a tie?** {sentence('; '.join(ties))}" if ties else ""
            unchanged = [gr.skip()] * (len(outputs) - len(shown) - 1)
            return [*unchanged, *shown, question]

        def on_submit(request: gr.Request, assignment_id, replies_before, rationale_text, *form_values):
            if assignment_id is None:
                raise refuse("No item to submit.")
            ranks, unsafe_flags, ratings_by_name = split_form(form_values)
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
                ),
                replies_before,
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

        # The page's events answer with dozens of plain values (text, a rank, a flag) that Gradio's postprocessing
        # would pass through unchanged, one thread hop each: 10 ms of a submit's server time, against 1 ms without
        # (bench/label_latency.py). Property updates (a slot shown or hidden) are still applied.
        plain = {"postprocess": False}
        app.load(on_load, outputs=outputs, api_name="load_item", **plain)
        app.load(on_identity, outputs=[whoami, admin_tab], api_name=False)
        # The page's Submit stores only a complete form with no unconfirmed tie. The API's "submit" (the tie
        # question's Yes) stores what it is given, ties included, and refuses a bad form with a 400.
        page_form = [assignment, reply_count, rationale, *form]
        submit_button.click(
            on_page_submit,
            inputs=page_form,
            outputs=outputs,
            api_name="submit_from_page",  # named for bench/label_latency.py, which speaks the page's protocol
            api_visibility="private",
            **plain,
        )
        confirm_tie.click(on_submit, inputs=page_form, outputs=outputs, api_name="submit", **plain)
        # The question is about the ranks as they were: "No", or any change to a rank, takes it away. In the
        # browser alone: a round trip to the server for every rank picked would cost more than the submit.
        gr.on([cancel_tie.click, *(rank.change for _, _, rank, _, _ in slots)], None, js="() => ''", outputs=tie_text)
        progress.change(None, js="() => window.scrollTo({top: 0, behavior: 'smooth'})")  # a new item: to its top
        skip_button.click(on_skip, inputs=[assignment], outputs=outputs, api_name="skip", **plain)
        refresh.click(on_admin, outputs=[agreement, people, done_plot, disagreement], api_name="admin")
        rank_and_flag = [w for _, _, rank, unsafe, _ in slots for w in (rank, unsafe)]
        hotkey.change(
            on_hotkey,
            inputs=[hotkey, reply_count],
            outputs=rank_and_flag,
            api_name=False,
            trigger_mode="always_last",
            **plain,
        )
    return app


def launch(store: RankingStore, settings: LabelSettings, host: str, port: int, block: bool = True):
    """Serve the app behind a login (accounts from `align users`)."""
    from starlette.middleware import Middleware

    from annotate.http_security import SecureHeadersNoUploads

    app = build_app(store, settings)
    # Gradio's queue keeps a record of the last 10,000 events and rebuilds a pandas summary of all of them
    # after every event, for a monitoring page this app does not serve: a cost that grows with the server's
    # uptime (5% of the server's time per ranking after 2,000 events in bench/label_latency.py). One record, never
    # summarised. The queue reads these when it is made, just below.
    os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1")
    os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", str(10**9))
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
        css=PAGE_CSS,
    )
    return app
