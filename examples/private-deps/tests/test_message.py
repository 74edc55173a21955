from private_deps import message


def test_message_names_both_sources():
    assert message() == "hello from the private index, and built from a git checkout"
