"""The API describes itself (OpenAPI at /openapi.json, Swagger UI at /docs) and errors share a shape."""

from __future__ import annotations

from typing import Any

from tests.e2e.helpers import assert_error

OPERATIONS = {
    "/health": {"get"},
    "/process-models": {"get", "post"},
    "/process-models/{procedure_id}": {"get"},
    "/process-models/validate": {"post"},
    "/cases": {"get", "post"},
    "/cases/{code}": {"get"},
    "/cases/{code}/history": {"get"},
    "/cases/{code}/slips": {"get"},
    "/tasks": {"get"},
    "/tasks/{task_id}": {"get"},
    "/tasks/{task_id}/claim": {"post"},
    "/tasks/{task_id}/unclaim": {"post"},
    "/tasks/{task_id}/complete": {"post"},
}


def _spec(client: Any) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    spec: dict[str, Any] = response.get_json()
    return spec


def test_openapi_lists_every_operation_with_a_summary(client: Any) -> None:
    spec = _spec(client)
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "motcua"
    for path, methods in OPERATIONS.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), (path, set(spec["paths"][path]))
        for method in methods:
            assert spec["paths"][path][method].get("summary"), (method, path)


def test_openapi_declares_bearer_security_and_health_is_open(client: Any) -> None:
    spec = _spec(client)
    scheme = spec["components"]["securitySchemes"]["bearer"]
    assert scheme == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert spec["security"] == [{"bearer": []}]
    assert spec["paths"]["/health"]["get"]["security"] == []


def test_openapi_documents_the_common_error_shape(client: Any) -> None:
    schemas = _spec(client)["components"]["schemas"]
    error = schemas["Error"]
    assert set(error["properties"]) == {"error"}
    body = error["properties"]["error"]
    if "$ref" in body:
        body = schemas[body["$ref"].rsplit("/", 1)[-1]]
    assert {"status", "code", "message", "details"} <= set(body["properties"])


def test_openapi_documents_bundle_uploads_as_multipart(client: Any) -> None:
    paths = _spec(client)["paths"]
    for path in ("/process-models", "/process-models/validate"):
        content = paths[path]["post"]["requestBody"]["content"]
        fields = content["multipart/form-data"]["schema"]["properties"]
        assert {"files", "bundle"} <= set(fields), (path, fields)


def test_openapi_documents_start_case_and_complete_task_payloads(client: Any) -> None:
    spec = _spec(client)
    start = spec["paths"]["/cases"]["post"]["requestBody"]["content"]["application/json"]
    ref = start["schema"]["$ref"].rsplit("/", 1)[-1]
    assert {"procedure_id", "channel", "unit", "data"} <= set(
        spec["components"]["schemas"][ref]["properties"]
    )
    assert "422" in spec["paths"]["/tasks/{task_id}/complete"]["post"]["responses"]


def test_swagger_ui_is_served_at_docs_and_points_at_the_spec(client: Any) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "swagger-ui" in page
    assert "/openapi.json" in page


def test_an_unknown_route_is_a_404_in_the_common_shape(client: Any) -> None:
    assert_error(client.get("/no-such-thing"), 404, "not_found")


def test_a_wrong_method_is_a_405_in_the_common_shape(client: Any) -> None:
    assert_error(client.delete("/cases"), 405, "method_not_allowed")
