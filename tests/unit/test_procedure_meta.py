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


def test_external_senders_name_which_system_may_send_which_message() -> None:
    meta, _ = ProcedureMeta.parse(
        {"id": "x_proc", "external_senders": {"paid": ["kbnn-gateway", "bank-gateway"]}}
    )
    assert meta is not None
    assert meta.accepts_from("paid", "kbnn-gateway") and meta.accepts_from("paid", "bank-gateway")
    assert not meta.accepts_from("paid", "bhxh-gateway")
    assert not meta.accepts_from("fulfilled", "kbnn-gateway")  # a message it does not list


def test_no_external_senders_means_any_system_and_an_empty_map_none() -> None:
    open_meta, _ = ProcedureMeta.parse({"id": "x_proc"})
    closed_meta, _ = ProcedureMeta.parse({"id": "x_proc", "external_senders": {}})
    assert open_meta is not None and open_meta.accepts_from("paid", "any-gateway")
    assert closed_meta is not None and not closed_meta.accepts_from("paid", "kbnn-gateway")


def test_external_senders_of_the_wrong_shape_are_refused_with_an_example() -> None:
    for bad in (["kbnn-gateway"], {"paid": "kbnn-gateway"}, {"paid": []}, {"paid": [""]}):
        meta, problems = ProcedureMeta.parse({"id": "x_proc", "external_senders": bad})
        assert meta is None and "external_senders" in problems[0].message, bad
        assert "kbnn-gateway" in problems[0].fix
