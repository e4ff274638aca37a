"""procedure.json is checked field by field, with the fix named."""

from engine.domain.procedure import ProcedureMeta


def test_a_complete_procedure_json_is_read() -> None:
    meta, problems = ProcedureMeta.parse(
        {
            "id": "birth_registration",
            "process_id": "birth_registration",
            "name": "Đăng ký khai sinh",
            "tthc_code": "1.001193",
            "time_limit": "SD",
            "lanes": {"Bộ phận Một cửa": "counter"},
        }
    )
    assert problems == []
    assert (
        meta is not None
        and meta.time_limit == "SD"
        and meta.lanes == {"Bộ phận Một cửa": "counter"}
    )


def test_a_bad_time_limit_is_refused_with_the_accepted_forms() -> None:
    meta, problems = ProcedureMeta.parse({"id": "x_proc", "time_limit": "3 days"})
    assert meta is None
    assert "time_limit" in problems[0].message and "3WD" in problems[0].fix


def test_a_non_snake_case_id_is_refused() -> None:
    meta, problems = ProcedureMeta.parse({"id": "Birth Registration"})
    assert meta is None and problems[0].file == "procedure.json"


def test_unknown_channels_are_refused() -> None:
    _, problems = ProcedureMeta.parse({"id": "x_proc", "channels": [1, 4]})
    assert any("channels" in p.message for p in problems)
