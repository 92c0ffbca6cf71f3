"""The correction pages on the seeded registry: an editor corrects and retracts a
prediction, an admin merges and deletes; the public pages show the record as corrected,
and refused input names the field and changes nothing."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from forecasts import services
from forecasts.models import Prediction, Pundit

WAR = "us-iran-war-by-end-2020"


def _war_prediction(engine) -> Prediction:
    with Session(engine) as session:
        prediction = session.scalar(
            select(Prediction).join(Prediction.question).where(Prediction.question.has(slug=WAR))
        )
        session.expunge(prediction)
        return prediction


def _form(prediction: Prediction, **changes) -> dict:
    return {
        "quote": prediction.quote,
        "hedge_phrase": prediction.hedge_phrase,
        "probability": f"{prediction.probability * 100:g}%",
        "probability_origin": prediction.probability_origin,
        "scale": f"{prediction.scale_name}@{prediction.scale_version}"
        if prediction.scale_name
        else "",
        "made_at": prediction.made_at.date().isoformat(),
        "source": f"#{prediction.source_id}" if prediction.source_id else "",
        "note": prediction.note,
        "version": str(prediction.version),
        **changes,
    }


def test_an_editor_corrects_a_quote_and_the_history_shows_it(as_role, engine):
    editor = as_role("editor")
    prediction = _war_prediction(engine)
    path = f"/predictions/{prediction.id}/correct"
    page = editor.get(path).get_data(as_text=True)
    assert prediction.quote in page and "Reason for the correction" in page
    fixed = prediction.quote.replace("tiny", "small")
    response = editor.post(path, data=_form(prediction, quote=fixed, reason="Typo in the quote."))
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    question = as_role(None).get(f"/questions/{WAR}").get_data(as_text=True)
    assert fixed in question and "corrected on" in question
    history = as_role(None).get(f"/predictions/{prediction.id}/history").get_data(as_text=True)
    assert "Corrected" in history and "Typo in the quote." in history
    assert prediction.quote[:60] in history and fixed[:60] in history  # before and after


def test_a_bad_correction_names_the_field_and_changes_nothing(as_role, engine, snapshot_of):
    editor = as_role("editor")
    prediction = _war_prediction(engine)
    path = f"/predictions/{prediction.id}/correct"
    for changes, text in [
        ({"reason": ""}, "Reason for the correction: is required"),
        ({"probability": "150%", "reason": "x"}, "Probability: must be"),
        ({"source": "#999999", "reason": "x"}, "no source"),
    ]:
        before = snapshot_of(engine)
        response = editor.post(path, data=_form(prediction, **changes))
        assert response.status_code == 422, changes
        assert text in response.get_data(as_text=True), text
        assert "scale_name" not in response.get_data(as_text=True)
        assert snapshot_of(engine) == before
    assert as_role("reader").get(path).status_code == 403


def test_a_retracted_prediction_is_struck_through_with_its_reason(as_role, engine):
    editor = as_role("editor")
    prediction = _war_prediction(engine)
    path = f"/predictions/{prediction.id}/retract"
    refused = editor.post(path, data={"version": str(prediction.version), "reason": ""})
    assert refused.status_code == 422 and "Reason: is required" in refused.get_data(as_text=True)
    response = editor.post(
        path, data={"version": str(prediction.version), "reason": "Not the author's words."}
    )
    assert response.status_code == 302
    page = as_role(None).get(f"/questions/{WAR}").get_data(as_text=True)
    assert "retracted" in page and "Not the author&#39;s words." in page
    assert f'id="prediction-{prediction.id}"' in page
    # Restored from the same page, with a reason.
    restored = editor.post(
        path, data={"version": str(prediction.version + 1), "reason": "It was, after all."}
    )
    assert restored.status_code == 302
    assert _war_prediction(engine).retracted_at is None


def test_an_admin_merges_two_spellings_and_the_old_address_redirects(as_role, engine):
    with Session(engine) as session:
        kept = session.scalar(select(Pundit).order_by(Pundit.id))
        duplicate = services.add_pundit(session, services.Actor.system(), name="Another Spelling")
        kept_slug, duplicate_slug = kept.slug, duplicate.slug
        services.log_prediction(
            session,
            services.Actor.system(),
            question_id=_war_prediction(engine).question_id,
            pundit_id=duplicate.id,
            made_at="2020-01-03",
            probability=0.1,
        )
    path = f"/pundits/{duplicate_slug}/merge"
    assert as_role("editor").get(path).status_code == 403
    admin = as_role("admin")
    page = admin.get(path).get_data(as_text=True)
    assert "has 1 prediction" in page and "cannot be deleted" in page
    bad = admin.post(path, data={"into": "nobody-of-this-name", "version": "1"})
    assert bad.status_code == 422 and "names no pundit" in bad.get_data(as_text=True)
    response = admin.post(path, data={"into": kept_slug, "version": "1"})
    assert response.status_code == 302 and response.headers["Location"].endswith(kept_slug)
    old = as_role(None).get(f"/pundits/{duplicate_slug}")
    assert old.status_code == 301 and old.headers["Location"].endswith(f"/pundits/{kept_slug}")
    assert as_role(None).get("/pundits/never-was").status_code == 404


def test_an_admin_deletes_a_pundit_nothing_refers_to(as_role, engine):
    with Session(engine) as session:
        spare = services.add_pundit(session, services.Actor.system(), name="Added By Mistake")
        slug = spare.slug
    admin = as_role("admin")
    response = admin.post(f"/pundits/{slug}/delete", data={"version": "1"})
    assert response.status_code == 302
    assert as_role(None).get(f"/pundits/{slug}").status_code == 404
    with Session(engine) as session:
        kept = session.scalar(select(Pundit).order_by(Pundit.id))
        refused = admin.post(f"/pundits/{kept.slug}/delete", data={"version": str(kept.version)})
    assert refused.status_code == 302  # back to the merge page, which says why
    assert "Not deleted" in admin.get(refused.headers["Location"]).get_data(as_text=True)


def test_the_published_copy_shows_the_retraction_and_the_history(
    engine, seeded_sqlite_url, tmp_path
):
    from web import publish

    prediction = _war_prediction(engine)
    with Session(engine) as session:
        services.retract_prediction(
            session,
            services.Actor.system(),
            prediction.id,
            expected_version=prediction.version,
            reason="Logged twice.",
        )
    publish.publish(seeded_sqlite_url, tmp_path / "site")
    page = (tmp_path / "site" / "questions" / f"{WAR}.html").read_text(encoding="utf-8")
    assert "Logged twice." in page and "retracted" in page
    assert f'href="../predictions/{prediction.id}-history.html"' in page
    history = tmp_path / "site" / "predictions" / f"{prediction.id}-history.html"
    assert "Retracted" in history.read_text(encoding="utf-8")
    data = (tmp_path / "site" / "data" / "predictions.csv").read_text(encoding="utf-8")
    assert "retracted: not scored" in data


def test_an_id_no_row_can_have_names_no_source_to_merge(as_role):
    admin = as_role("admin")
    assert admin.get(f"/sources/{2**63}/merge").status_code == 404
