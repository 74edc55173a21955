from greeting import greeting


def test_greeting_names_the_person():
    assert greeting("ada").startswith("hello, ada")
