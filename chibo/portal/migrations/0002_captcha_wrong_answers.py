from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_articles_comments_questions")]

    operations = [
        # Rows stored before this were solved keys: they stay spent.
        migrations.AddField(
            model_name="usedcaptcha",
            name="solved",
            field=models.BooleanField(default=True),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="usedcaptcha", name="solved", field=models.BooleanField(default=False)
        ),
        migrations.AddField(
            model_name="usedcaptcha",
            name="wrong",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="số lần nhập sai"),
        ),
    ]
