"""Recovery codes made before Rollbook hashed them were stored as they are: hash them in place.

Each code still works (the person types the same code; it is hashed before the comparison).
There is no way back: the reverse leaves the hashes, which django-otp cannot match.
"""

from django.db import migrations


def hash_plain_codes(apps, schema_editor):
    from rollbook.accounts.codes import is_stored_form, stored_form

    StaticToken = apps.get_model("otp_static", "StaticToken")
    for token in StaticToken.objects.all().iterator():
        if not is_stored_form(token.token):
            token.token = stored_form(token.token)
            token.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [("otp_static", "0003_add_timestamps")]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
