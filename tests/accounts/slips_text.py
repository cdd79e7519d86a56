"""Reading slips PDFs in tests: pdftotext -layout puts two slips side by side on each line."""

import re
import subprocess

CODE = re.compile(r"[A-Z0-9]{4}-[A-Z0-9]{4}")


def pdf_text(path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def code_for(text: str, login: str) -> str:
    """The code printed on `login`'s slip: the first code below the login in the same column."""
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if login in line:
            col = line.index(login)
            for below in lines[i + 1 :]:
                found = [m for m in CODE.finditer(below)]
                if found:
                    return min(found, key=lambda m: abs(m.start() - col)).group(0)
    raise AssertionError(f"no slip for {login}")
