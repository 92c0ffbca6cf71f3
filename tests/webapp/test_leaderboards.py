"""The public accuracy pages show the scoring module's numbers for the same predictions."""

from __future__ import annotations

from sqlalchemy.orm import Session

from forecasts import scores

AUTHOR = "op-ed-author-iran-us-iraq-2020"


def test_leaderboard_shows_the_registry_scores(as_role, engine):
    with Session(engine) as session:
        (row,) = scores.records(scores.leaderboard(session, min_n=1))
    ranked = as_role(None).get("/leaderboard?min_n=1").get_data(as_text=True)
    for key in ("brier", "brier_ci_low", "brier_ci_high", "log_score"):
        assert f"{row[key]:.3f}" in ranked, key
    assert '<td class="num">1</td>' in ranked  # ranked first with min_n=1
    unranked = as_role(None).get("/leaderboard").get_data(as_text=True)
    assert "Not enough resolved forecasts yet" in unranked and "Author of the op-ed" in unranked
    assert "How the scores are computed" in unranked and "Brier 1950" in unranked


def test_leaderboard_filters_live_in_the_url(as_role):
    client = as_role(None)
    html = client.get("/leaderboard?tag=elections&min_n=1&sort=brier&order=desc").get_data(
        as_text=True
    )
    assert '<option value="elections" selected>' in html
    # With only the election question, the author has one scored forecast: 0.5 on "no".
    assert "0.250" in html
    none = client.get("/leaderboard?tag=protests&since=2021-01-01").get_data(as_text=True)
    assert "No pundit has 5 or more scored forecasts with these filters" in none


def test_leaderboard_refuses_bad_filters(as_role):
    response = as_role(None).get("/leaderboard?since=yesterday&min_n=0&sort=luck")
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "since: must be a date as YYYY-MM-DD" in html
    assert "min_n: must be a whole number of at least 1" in html
    assert "sort: must be one of" in html


def test_pundit_and_phrase_pages(as_role):
    client = as_role(None)
    pundit = client.get(f"/pundits/{AUTHOR}").get_data(as_text=True)
    assert "0.268" in pundit and "Not ranked yet: 4 of the 5 scored forecasts needed" in pundit
    assert "<svg" in pundit and "Too few to tell: in no bin does what happened" in pundit
    assert "said 90%, happened 50% of the time (2 forecasts in the 90%–100% bin; 95% interval" in (
        pundit
    )
    assert "annulled" in pundit or "condition not met" in pundit
    phrases = client.get("/phrases").get_data(as_text=True)
    assert "“tiny possibility”" in phrases and "0 of 1" in phrases
    question = client.get("/questions/us-iran-war-by-end-2020").get_data(as_text=True)
    assert "Brier 0.003" in question and "<svg" in question


def test_far_dates_and_the_synthetic_banner(as_role, engine):
    from forecasts.demo import generate_demo

    client = as_role(None)
    assert client.get("/leaderboard?until=9999-12-31&since=0001-01-01").status_code == 200
    assert "Synthetic demo data" not in client.get("/").get_data(as_text=True)
    with Session(engine) as session:
        generate_demo(session, pundits=4, questions=12, seed=3, allow_mixed=True)
    for path in ("/", "/leaderboard", "/pundits/"):
        assert "Synthetic demo data" in client.get(path).get_data(as_text=True), path
