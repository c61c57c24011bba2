"""How a patient answers follow-up questionnaires (a call, or a link by email or text) and their consent to links."""

from django.db import migrations, models

from clinic.triggers import KeepingSQLiteTriggers


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0005_versions_and_form_tokens"),
    ]

    operations = [
        KeepingSQLiteTriggers(
            [
                migrations.AddField(
                    model_name="historicalpatient",
                    name="questionnaire_channel",
                    field=models.CharField(
                        choices=[
                            ("call", "A call from the clinic"),
                            ("email", "Email link"),
                            ("sms", "Text message link"),
                        ],
                        default="call",
                        max_length=5,
                        verbose_name="follow-up questionnaires by",
                    ),
                ),
                migrations.AddField(
                    model_name="historicalpatient",
                    name="questionnaire_consent",
                    field=models.BooleanField(
                        default=False,
                        help_text="By email or text message, as chosen: one questionnaire per link, about their own procedure.",
                        verbose_name="consents to questionnaire links",
                    ),
                ),
                migrations.AddField(
                    model_name="patient",
                    name="questionnaire_channel",
                    field=models.CharField(
                        choices=[
                            ("call", "A call from the clinic"),
                            ("email", "Email link"),
                            ("sms", "Text message link"),
                        ],
                        default="call",
                        max_length=5,
                        verbose_name="follow-up questionnaires by",
                    ),
                ),
                migrations.AddField(
                    model_name="patient",
                    name="questionnaire_consent",
                    field=models.BooleanField(
                        default=False,
                        help_text="By email or text message, as chosen: one questionnaire per link, about their own procedure.",
                        verbose_name="consents to questionnaire links",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="patient",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("questionnaire_channel", "call"),
                            models.Q(
                                ("questionnaire_channel", "email"),
                                ("questionnaire_consent", True),
                                models.Q(("email", ""), _negated=True),
                            ),
                            models.Q(
                                ("questionnaire_channel", "sms"),
                                ("questionnaire_consent", True),
                                models.Q(("phone", ""), _negated=True),
                            ),
                            _connector="OR",
                        ),
                        name="patient_questionnaire_channel_consented",
                    ),
                ),
            ]
        ),
    ]
