# Runs inside the image: one Streamlit session of the script in argv[1], with Streamlit's own
# test runner (streamlit.testing.v1.AppTest), as a browser's first visit would run it. The health
# endpoint answers before any session exists, so a script that fails on first use passes it.
# Prints what the script raised and exits 1, or exits 0 when it ran to its end.
import sys

from streamlit.testing.v1 import AppTest

app = AppTest.from_file(sys.argv[1], default_timeout=float(sys.argv[2]))
app.run()
raised = [
    f"{getattr(element.proto, 'type', '') or 'Exception'}: {element.proto.message}"
    for element in app.exception
]
if raised:
    print(f"the script {sys.argv[1]} raised on its first run:", file=sys.stderr)
    for message in raised:
        print(message, file=sys.stderr)
    sys.exit(1)
print(f"the script {sys.argv[1]} ran to its end in one session")
