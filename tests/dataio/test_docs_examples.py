"""The examples in docs/import-formats.md import as documented, in the order the document gives."""

import re
from pathlib import Path

import pytest

from chibo.dataio.formats import FORMATS, KINDS
from chibo.dataio.services import import_data
from chibo.members.models import Member, Position
from chibo.orgs.models import OrgKind
from tests.factories import make_org, make_user

pytestmark = pytest.mark.django_db
DOC = Path(__file__).resolve().parents[2] / "docs" / "import-formats.md"


def give_account(card: str) -> None:
    """The documented supervisor has a Chibo account (accounts are made in Chibo, not imported)."""
    Member.objects.filter(card_number=card).update(user=make_user(f"tk-{card}"))


def test_every_documented_example_imports_cleanly():
    make_org("Thành ủy Hà Nội", kind=OrgKind.CITY, code="HN")
    examples = re.findall(r"```csv\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    assert len(examples) == 11
    kinds = []
    for text in examples:
        header = text.splitlines()[0].replace(";", ",").split(",")
        kind = next(k for k, f in FORMATS.items() if f.headers == header)
        kinds.append(kind)
        if kind == "supervision":
            give_account("01000001")
        result = import_data(data=text.encode(), filename=f"{kind}.csv", kind=kind)
        assert result.written, [str(e) for e in result.errors]
    assert kinds == list(FORMATS)
    assert Member.objects.get(card_number="01000001").exemptions.get().reason == "Tuổi cao, sức yếu"
    assert Position.objects.get().cell.code == "KL-02"


CLI_DOC = DOC.with_name("cli.md")


def _row(text: str, start: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(start))


@pytest.mark.parametrize("kind", KINDS)
def test_every_import_kind_is_documented_for_the_command_and_its_format(kind):
    cli = CLI_DOC.read_text(encoding="utf-8")
    assert f"`{kind}`" in _row(cli, "| `chibo import-data KIND"), f"docs/cli.md: chibo import-data {kind}"
    formats = DOC.read_text(encoding="utf-8")
    assert re.search(rf"^## \d+\. .*\(`{kind}`\)$", formats, flags=re.M), (
        f"docs/import-formats.md: ## … (`{kind}`)"
    )
    assert f"| `{kind}` | {FORMATS[kind].title} |" in formats, "docs/import-formats.md: the table of kinds"
