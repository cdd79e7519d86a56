from django.core.management.base import BaseCommand

from chibo.meetings.documents import FORMATS, minutes_book
from chibo.orgs.books import add_book_arguments, book_target, write_book


class Command(BaseCommand):
    help = (
        "Ghi sổ biên bản sinh hoạt của một chi bộ trong một năm (trang bìa, mọi buổi đã họp theo thứ tự "
        "ngày, biên bản và các đính chính) ra tệp PDF hoặc DOCX theo đuôi tệp."
    )

    def add_arguments(self, parser):
        add_book_arguments(parser)

    def handle(self, *args, cell_code, year, output, **options):
        cell, fmt = book_target(cell_code, year, output, FORMATS)
        write_book(output, minutes_book(cell, year, fmt), cell)
        self.stdout.write(f"Đã ghi sổ biên bản năm {year} của {cell.name} vào {output}.")
