"""The outbox: every message to a family is a row; its status is the real "to do" (house style 3.6).

State changes happen only in `rollbook.comms.actions`, each with a conditional UPDATE on the
expected status. Each transition leaves a `MessageEvent`; the outcomes a person asks about
(sent, cancelled, failed, needs checking) also leave an `AuditEvent` per pupil named.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.core.models import School
from rollbook.pupils.models import Contact, Family, Pupil


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    HELD = "held", "Held for approval"
    QUEUED = "queued", "Queued"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    DELIVERED = "delivered", "Delivered"
    FAILED_PERMANENT = "failed_permanent", "Failed"
    FAILED_TRANSIENT = "failed_transient", "Failed, will retry"
    CANCELLED = "cancelled", "Cancelled"
    # Claimed for sending but no outcome recorded (a worker died mid-send): the provider may
    # or may not have the message, so a person checks instead of the sender guessing.
    NEEDS_CHECK = "needs_check", "Outcome unknown: check"


CANCELLABLE = (Status.DRAFT, Status.HELD, Status.QUEUED)


class Channel(models.TextChoices):
    SMS = "sms", "Text message"
    EMAIL = "email", "Email"
    LETTER = "letter", "Letter"


class Kind(models.TextChoices):
    FIRST_DAY_ABSENCE = "first_day_absence", "First-day absence"
    AWARD = "award", "Award"
    WEEKLY_UPDATE = "weekly_update", "Weekly attendance update"
    HALFTERM_UPDATE = "halfterm_update", "Half-termly attendance update"
    HALFTERM_LOW = "halfterm_low", "Half-termly: at or below the line"
    HALFTERM_IMPROVEMENT = "halfterm_improvement", "Half-termly: improvement"
    RECOGNITION = "recognition", "Recognition of improved attendance"
    HOLIDAY_REMINDER = "holiday_reminder", "Before the holidays: term-time holidays"
    EXPECTATIONS = "expectations", "Welcome: attendance expectations"
    POLICY_SHARE = "policy_share", "The attendance policy, each year"


CAMPAIGN_KINDS = (
    Kind.WEEKLY_UPDATE,
    Kind.HALFTERM_UPDATE,
    Kind.HALFTERM_LOW,
    Kind.HALFTERM_IMPROVEMENT,
    Kind.HOLIDAY_REMINDER,
    Kind.POLICY_SHARE,
)
# Campaigns every school has without a policy entry: one message to every family on roll,
# prepared by the daily scheduler and queued only when a person approves the preview.
STANDING_KINDS = (Kind.HOLIDAY_REMINDER, Kind.POLICY_SHARE)


class CampaignStatus(models.TextChoices):
    AWAITING_APPROVAL = "awaiting_approval", "Waiting for approval"
    APPROVED = "approved", "Approved"
    CANCELLED = "cancelled", "Cancelled"


class Campaign(models.Model):
    """A scheduled message to families for one period (policy `comms.campaigns`).

    Prepared once per school, kind and period (the unique constraint makes re-running the
    scheduler harmless); its messages are queued only when it is approved, and approving
    twice queues nothing new (each family's message has a dedupe key).
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="campaigns")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    period_key = models.CharField(max_length=60)
    period_label = models.CharField(max_length=100)
    first_day = models.DateField()
    last_day = models.DateField()
    status = models.CharField(
        max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.AWAITING_APPROVAL
    )
    created_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_label = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True, help_text="Why it was cancelled")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "period_key"], name="one_campaign_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.period_label}"


class MessageTemplate(models.Model):
    """A school's own wording for a campaign kind in one language. Saving makes a new version
    (the highest is used); nothing is overwritten, so the outbox can say which text went."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="message_templates")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    language = models.CharField(max_length=10)
    version = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["school", "kind", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "language", "version"], name="one_template_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.language} v{self.version}"


class BlockKey(models.TextChoices):
    ATTENDANCE_STATEMENT = "attendance_statement", "The school's attendance statement"
    POLICY_LINK = "policy_link", "Link to the attendance policy"


class TextBlock(models.Model):
    """A reusable piece of text stored once (the school's attendance statement, the policy's
    link) and filled into every template that names it as {key}. Saving makes a new version;
    the highest is used."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="text_blocks")
    key = models.CharField(max_length=40, choices=BlockKey.choices)
    version = models.PositiveSmallIntegerField()
    body = models.TextField()
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["school", "key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "key", "version"], name="one_text_block_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class Message(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="messages")
    # The first pupil the message is about; `pupils` lists every child named (siblings merged).
    pupil = models.ForeignKey(
        Pupil, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    pupils = models.ManyToManyField(Pupil, blank=True, related_name="messages")
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="messages")
    campaign = models.ForeignKey(
        "Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="messages"
    )
    kind = models.CharField(max_length=40, choices=Kind.choices)
    template_key = models.CharField(max_length=80)
    template_version = models.PositiveSmallIntegerField()
    language = models.CharField(max_length=10, default="en")
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField()
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=254, help_text="Phone number or email address")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    # The batch claim that won the row (send_due_messages claims many rows in one UPDATE).
    claim = models.CharField(max_length=32, blank=True)
    provider_id = models.CharField(max_length=100, blank=True)
    last_error = models.TextField(blank=True)
    reason_key = models.CharField(
        max_length=200, help_text="What the message is about, re-checked before sending"
    )
    dedupe_key = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "dedupe_key"], name="one_message_per_dedupe_key"
            )
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="message_due"),
            models.Index(fields=["school", "created_at"], name="message_school_created"),
            # Delivery receipts name the provider's id.
            models.Index(fields=["provider_id"], name="message_provider_id"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient} ({self.status})"


class MessageEvent(models.Model):
    """One status change of one message (append-only): the sender's log, cheap enough per try."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    old_status = models.CharField(max_length=20, blank=True)
    new_status = models.CharField(max_length=20)
    attempt = models.PositiveSmallIntegerField(default=0)
    actor_label = models.CharField(max_length=150, blank=True)
    detail = models.TextField(blank=True)

    class Meta:
        ordering = ["message", "at", "id"]

    def __str__(self) -> str:
        return f"{self.message_id}: {self.old_status} -> {self.new_status}"


class RequestKind(models.TextChoices):
    HELP = "help", "Asked for help with attendance"
    CONCERN = "concern", "Told us of a concern affecting attendance"


class RequestChannel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    IN_PERSON = "in_person", "In person"
    TEXT = "text", "Text message"
    LETTER = "letter", "Letter or note"


class ParentRequest(models.Model):
    """A parent's request for help with attendance, or a concern they told us of (seeds
    002-126, 000-6), with the school's reply. Open until replied: the open ones are the
    attendance team's inbox; both show on the pupil's timeline."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="parent_requests")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="parent_requests")
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=RequestKind.choices)
    channel = models.CharField(max_length=20, choices=RequestChannel.choices)
    text = models.TextField(help_text="What the parent asked or told us")
    received_at = models.DateTimeField()
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reply = models.TextField(blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["school", "replied_at"], name="parent_request_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.received_at:%d %b %Y})"

    @property
    def is_open(self) -> bool:
        return self.replied_at is None
