# Runs inside the image: one session of the script in argv[1], as a browser's first visit would
# run it, with the framework's own machinery (argv[3]): Streamlit's test runner
# (streamlit.testing.v1.AppTest), or the Bokeh application `panel serve` builds for the file. The
# health endpoints answer before any session exists, so a script that fails on first use passes
# them. Prints what the script raised and exits 1, or exits 0 when it ran to its end.
import sys

script, timeout, framework = sys.argv[1], float(sys.argv[2]), sys.argv[3]


def fail(messages):
    print(f"the script {script} raised on its first run:", file=sys.stderr)
    for message in messages:
        print(message, file=sys.stderr)
    sys.exit(1)


if framework == "panel":
    try:
        from panel.io.application import build_single_handler_application
    except ImportError:
        from bokeh.command.util import build_single_handler_application
    from bokeh.document import Document

    application = build_single_handler_application(script)
    document = Document()
    for handler in application.handlers:
        handler.modify_document(document)
        if handler.failed:
            fail([str(handler.error), str(handler.error_detail)])
else:
    from streamlit.testing.v1 import AppTest

    app = AppTest.from_file(script, default_timeout=timeout)
    app.run()
    raised = [
        f"{getattr(element.proto, 'type', '') or 'Exception'}: {element.proto.message}"
        for element in app.exception
    ]
    if raised:
        fail(raised)
print(f"the script {script} ran to its end in one session")
