"""Input validation: each message names the argument, the rule and the first offending position."""

import numpy as np
import pandas as pd
import pytest

from forecasts.scoring import (
    InvalidInput,
    brier_score,
    calibration_table,
    log_score,
    multi_brier_score,
    multi_log_score,
    murphy_decomposition,
)


def message(call, *args, **kwargs):
    with pytest.raises(ValueError) as caught:
        call(*args, **kwargs)
    assert isinstance(caught.value, InvalidInput)
    return str(caught.value)


def test_probability_out_of_range():
    assert (
        message(brier_score, [0.1, 0.2, 0.3, 1.2], [0, 0, 0, 1])
        == "probability: must be between 0 and 1 (got 1.2 at position 3)"
    )
    assert (
        message(log_score, [-0.5], [1])
        == "probability: must be between 0 and 1 (got -0.5 at position 0)"
    )


def test_probability_nan_and_text():
    assert (
        message(brier_score, [0.5, float("nan")], [0, 1])
        == "probability: must be a number, not NaN or missing (got nan at position 1)"
    )
    assert (
        message(brier_score, pd.Series(["0.5", "70%"]), [0, 1])
        == "probability: must be a number between 0 and 1 (got '70%' at position 1)"
    )


def test_outcome_not_binary():
    assert (
        message(brier_score, [0.5, 0.5], [1, 2]) == "outcome: must be 0 or 1 (got 2 at position 1)"
    )
    assert message(brier_score, [0.5], [0.5]) == "outcome: must be 0 or 1 (got 0.5 at position 0)"
    assert (
        message(brier_score, [0.5], ["yes"]) == "outcome: must be 0 or 1 (got 'yes' at position 0)"
    )


def test_mismatched_lengths():
    assert (
        message(brier_score, [0.5, 0.5, 0.5], [1, 0])
        == "outcome: must have the same length as probability (3) (got 2)"
    )


def test_distribution_rows_must_sum_to_one():
    assert (
        message(multi_brier_score, [[0.5, 0.5], [0.5, 0.4]], [0, 1])
        == "probabilities: each row must sum to 1 (within 1e-06) (got 0.9 at position 1)"
    )
    # within the tolerance is fine
    multi_brier_score([[0.5, 0.5 + 5e-7]], [0])
    assert (
        message(multi_log_score, [[0.5, 0.5], [1.5, -0.5]], [0, 1])
        == "probabilities: must be between 0 and 1 (got 1.5 at position (1, 0))"
    )


def test_option_outcomes():
    assert (
        message(multi_brier_score, [[0.5, 0.5]], [2])
        == "outcome: must be an option index from 0 to 1 (got 2 at position 0)"
    )
    assert (
        message(multi_brier_score, [[0.5, 0.5], [0.5, 0.5]], [[1, 0], [1, 1]])
        == "outcome: each row must have exactly one 1 (got 2 at position 1)"
    )


def test_settings():
    assert (
        message(log_score, [0.5], [1], eps=0.5)
        == "eps: must be greater than 0 and less than 0.5 (got 0.5)"
    )
    assert (
        message(log_score, [0.5], [1], eps=0)
        == "eps: must be greater than 0 and less than 0.5 (got 0)"
    )
    assert (
        message(calibration_table, [0.5], [1], bins=0)
        == "bins: must be an integer of at least 1 (got 0)"
    )
    assert (
        message(murphy_decomposition, [], [])
        == "probability: must contain at least one forecast (got 0)"
    )


def test_invalid_input_fields():
    try:
        brier_score(np.array([0.5, 3.0]), [0, 1])
    except InvalidInput as error:
        assert (error.argument, error.rule, error.value, error.position) == (
            "probability",
            "must be between 0 and 1",
            3.0,
            1,
        )
    else:
        pytest.fail("no error")
