from native_build import report


def test_report_names_cpus_and_memory():
    line = report()
    assert "CPUs" in line and "MiB memory" in line
