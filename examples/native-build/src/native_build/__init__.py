"""Reports what the container sees, through psutil's C extension.

psutil is imported here, at import time, so that even ``native-build --help`` loads the
compiled ``_psutil_linux`` module: the image's smoke test proves the extension built.
"""

import psutil


def report() -> str:
    """One line: CPU count and memory."""
    memory = psutil.virtual_memory()
    return f"{psutil.cpu_count()} CPUs, {memory.total // 2**20} MiB memory"
