"""The shared validation layer turns pandera's failure table into one line: where, row, column, fix."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pytest

from benchmark.errors import BenchError
from benchmark.schemas import validate_frame

SCHEMA = pa.DataFrameSchema(
    {"item_id": pa.Column(str), "value": pa.Column(float, pa.Check.in_range(1, 5))},
    coerce=True, unique=["item_id"],
)


@pytest.mark.parametrize("frame, expected", [
    (pd.DataFrame({"item_id": ["a", "b"], "value": [1.0, 33.0]}), "x.csv: row 2, column 'value' fails in_range(1, 5) (got 33.0)"),
    (pd.DataFrame({"item_id": ["a", "b", "c"], "value": ["1", "abc", None]}), "x.csv: row 2, column 'value' is not of type float64 (got 'abc')"),
    (pd.DataFrame({"item_id": ["a", "b"], "value": [1.0, None]}), "x.csv: row 2, column 'value' is empty"),
    (pd.DataFrame({"item_id": ["a", "a"], "value": [1.0, 2.0]}), "x.csv: row 1, column 'item_id' repeats a row that must be unique"),
    (pd.DataFrame({"value": [1.0]}), "x.csv: column 'item_id' is missing"),
])
def test_first_problem_is_one_line(frame, expected):
    with pytest.raises(BenchError) as info:
        validate_frame(frame, SCHEMA, where="x.csv", fix="use 1-5")
    message = str(info.value)
    assert message.startswith(expected), message
    assert message.endswith(" - use 1-5") and "\n" not in message


def test_valid_table_is_coerced():
    out = validate_frame(pd.DataFrame({"item_id": [1, 2], "value": ["1", "4.5"]}), SCHEMA, where="x.csv")
    assert out["value"].tolist() == [1.0, 4.5] and out["item_id"].tolist() == ["1", "2"]
