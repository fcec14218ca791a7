"""Demo satisfaction data: invite the parties of every closed demo case (the real service) and let
about seven in ten of them answer with plausible scores. Idempotent; demo notices are not printed."""
import random

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from cases.models import Case
from cases.surveys.models import DIMENSION_FIELDS, SurveyInvitation
from cases.surveys.services import closed_cases_to_invite, survey_answer, survey_invite_case

COMMENTS = ["调解员很专业，沟通耐心。", "办理速度快，省去了诉讼的麻烦。", "希望线上材料提交再简化一些。", "", "", ""]


class Command(BaseCommand):
    help = "Invite the parties of closed demo cases to the survey and answer about 70% of the invitations."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=2026)

    @override_settings(SMS_BACKEND="cases.notifications.LocMemSMSBackend",
                       EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
    def handle(self, *args, seed, **options):
        invited, seen = 0, set()
        while batch := [pk for pk in closed_cases_to_invite(limit=500) if pk not in seen]:
            seen.update(batch)
            for case in Case.objects.filter(pk__in=batch):
                invited += len(survey_invite_case(case=case, actor=None))
        answered = 0
        for invitation in SurveyInvitation.objects.filter(state=SurveyInvitation.State.PENDING).order_by("pk"):
            rng = random.Random(seed * 100003 + invitation.pk)
            if rng.random() > 0.7:
                continue
            base = rng.choice([3, 4, 4, 4, 5, 5])
            answers = {f: max(1, min(5, base + rng.choice([-1, 0, 0, 0, 1]))) for f in DIMENSION_FIELDS}
            answers.update(would_recommend=base >= 4 or rng.random() < 0.3, comment=rng.choice(COMMENTS))
            survey_answer(invitation=invitation, answers=answers)
            answered += 1
        self.stdout.write(f"Surveys: {invited} invitations sent, {answered} demo answers recorded.")
