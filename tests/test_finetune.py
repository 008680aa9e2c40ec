"""The parts both fine-tuned classifiers share (eval.finetune): building once per machine, then reusing."""

import logging

from eval.finetune import is_built, load_or_build, publish, working_folder


def test_load_or_build_builds_a_missing_classifier_once_and_says_so(tmp_path, caplog):
    folder = tmp_path / "classifier"
    builds = []

    def build():
        builds.append(1)
        work = working_folder(folder)
        work.mkdir()
        (work / "meta.json").write_text("{}")
        return publish(work, folder)

    with caplog.at_level(logging.WARNING, logger="eval.finetune"):
        assert load_or_build(folder, build, "test classifier (seconds)") == folder
    assert is_built(folder) and builds == [1]
    assert "building the test classifier (seconds) once" in caplog.text and str(folder) in caplog.text
    caplog.clear()
    assert load_or_build(folder, build, "test classifier (seconds)") == folder
    assert builds == [1] and not caplog.text, "a built classifier is reused, silently"


def test_a_folder_without_meta_is_not_a_built_classifier(tmp_path):
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "model.safetensors").write_bytes(b"")
    assert not is_built(tmp_path / "half") and not is_built(tmp_path / "missing")
