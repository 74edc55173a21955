from acme_api.main import healthz, index
from acme_core import greeting, slugify


def test_slugify():
    assert slugify("Hello, Acme World!") == "hello-acme-world"


def test_api_uses_core():
    assert index("Ada Lovelace") == greeting("Ada Lovelace")
    assert index("Ada Lovelace")["slug"] == "ada-lovelace"


def test_healthz():
    assert healthz() == {"status": "ok"}
