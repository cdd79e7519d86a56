from django.core.management.base import BaseCommand, CommandError

from chibo.orgs.books import add_book_arguments, book_target, write_book
from chibo.resolutions.documents import FORMATS, resolutions_book, resolutions_of_year


class Command(BaseCommand):
    help = (
        "Ghi sổ nghị quyết, kết luận của một chi bộ trong một năm (trang bìa có danh mục, mọi nghị quyết và "
        "kết luận theo thứ tự ngày) ra tệp PDF hoặc DOCX theo đuôi tệp."
    )

    def add_arguments(self, parser):
        add_book_arguments(parser)

    def handle(self, *args, cell_code, year, output, **options):
        cell, fmt = book_target(cell_code, year, output, FORMATS)
        count = resolutions_of_year(cell, year).count()
        if not count:
            raise CommandError(f"{cell.name} không có nghị quyết, kết luận nào trong năm {year}.")
        write_book(output, resolutions_book(cell, year, fmt), cell)
        self.stdout.write(
            f"Đã ghi sổ nghị quyết, kết luận năm {year} của {cell.name} ({count} văn bản) vào {output}."
        )
