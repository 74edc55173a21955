from app.main import healthz, index


def test_healthz():
    assert healthz() == {"status": "ok"}


def test_index():
    body = index()
    assert body["service"] == "fastapi-service"
