from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import strip_tags

from comments.models import Comment, ModerationEvent, Report
from mistralnews.characters import (
    NEWLINES,
    has_bidi_controls,
    has_combining_flood,
    has_control_characters,
    has_hidden_format_characters,
    has_visible_text,
)

# Largest id a database row can have; anything else is not a comment or question id.
MAX_ID = 2**63 - 1


class CommentTextField(forms.CharField):
    """Text with browser newlines (CRLF) counted as one character, as the reader sees them."""

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n")


BODY_HELP = "Markdown works: *italic*, **bold**, `code`, > quote, [link](https://…)."


class CommentTextForm(forms.ModelForm):
    """A comment's text, under the rules for every text readers post: the comment form's, and
    the form its author edits it with."""

    class Meta:
        model = Comment
        fields = ["body"]
        field_classes = {"body": CommentTextField}
        labels = {"body": "Comment"}
        help_texts = {"body": BODY_HELP}
        widgets = {"body": forms.Textarea(attrs={"rows": 6})}
        error_messages = {"body": {"required": "Please write your comment."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)

    def clean_body(self):
        body = self.cleaned_data["body"]
        if has_control_characters(body, allowed=NEWLINES):
            raise ValidationError("Your comment contains control characters; please remove them.")
        if has_bidi_controls(body):
            raise ValidationError(
                "Your comment contains text-direction override characters; please remove them."
            )
        if has_combining_flood(body):
            raise ValidationError(
                "Your comment has too many accents stacked on one letter; please remove some."
            )
        if not has_visible_text(body):
            raise ValidationError("Please write your comment.")
        return body

    def clean(self):
        cleaned_data = super().clean()
        if "body" in cleaned_data:
            # Rendered here, outside any transaction; the comment keeps the result.
            self.instance.body = cleaned_data["body"]
            self.instance.render()
            if not has_visible_text(strip_tags(self.instance.body_html)):
                self.add_error("body", "Your comment has no text to show. Please write some.")
        return cleaned_data


class CommentForm(CommentTextForm):
    """A reader's comment on one article: a new thread, an answer or a reply."""

    parent = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )
    question = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Answering"
    )
    send_receipt = forms.BooleanField(
        required=False, label="Email me a copy, with links to edit or withdraw it"
    )
    # A honeypot: hidden from sighted readers by CSS, labelled for screen readers.
    homepage = forms.CharField(
        required=False,
        label="Leave this field empty",
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Comment
        fields = ["author_name", "author_email", "body", "notify_replies", "notify_moderation"]
        field_classes = {"body": CommentTextField}
        labels = {
            "author_name": "Name",
            "author_email": "Email",
            "body": "Comment",
            "notify_replies": "Email me when someone replies",
            "notify_moderation": "Email me when an editor approves or removes my comment",
        }
        help_texts = {
            "author_email": "Never shown publicly.",
            "body": BODY_HELP,
            "notify_replies": "",
            "notify_moderation": "",
        }
        widgets = {
            "author_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "author_email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "body": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            "author_name": {"required": "Please enter your name."},
            "author_email": {
                "required": "Please enter your email address; it is never shown.",
                "invalid": "Please enter a valid email address, like name@example.com.",
            },
            "body": {"required": "Please write your comment."},
        }

    def __init__(self, *args, article, staff=None, **kwargs):
        """`staff`: the editor logged in, who posts as themselves: no name or email asked."""
        super().__init__(*args, **kwargs)
        self.article = article
        self.staff = staff
        if staff is not None:
            del self.fields["author_name"], self.fields["author_email"]
        self.questions = {question.pk: question for question in article.question_list}
        self.fields["question"].choices = [("", "General discussion")] + [
            (pk, f"Question {number}: {question.text}")
            for number, (pk, question) in enumerate(self.questions.items(), start=1)
        ]
        self.fields["parent"].error_messages.update(
            invalid="That is not a comment you can reply to.",
            min_value="That is not a comment you can reply to.",
            max_value="That is not a comment you can reply to.",
        )
        self.fields["question"].error_messages["invalid_choice"] = (
            "Please choose one of this article's questions."
        )

    @property
    def staff_name(self):
        return staff_name(self.staff) if self.staff is not None else ""

    def clean_author_name(self):
        name = self.cleaned_data["author_name"].strip()
        if has_control_characters(name):
            raise ValidationError("Your name cannot contain control characters.")
        if has_bidi_controls(name):
            raise ValidationError("Your name cannot contain text-direction override characters.")
        if not has_visible_text(name):
            raise ValidationError("Please enter your name.")
        if has_hidden_format_characters(name):
            raise ValidationError("Your name cannot contain invisible characters.")
        if has_combining_flood(name):
            raise ValidationError("Your name has too many accents on one letter.")
        return name

    def clean_author_email(self):
        return self.cleaned_data["author_email"].lower()

    def clean_parent(self):
        pk = self.cleaned_data["parent"]
        if pk is None:
            return None
        parent = Comment.objects.visible().filter(article=self.article, pk=pk).first()
        if parent is None:
            raise ValidationError("The comment you are replying to is not available.")
        return parent

    def clean_question(self):
        pk = self.cleaned_data["question"]
        return None if pk is None else self.questions[pk]

    def clean_homepage(self):
        if self.cleaned_data["homepage"]:
            raise ValidationError("This field must stay empty. Please clear it and post again.")
        return ""

    def build_comment(self):
        """The comment, not saved yet: `comments.posting.post_comment` decides if it is."""
        comment = super().save(commit=False)
        comment.article = self.article
        if self.staff is not None:
            comment.author_name = staff_name(self.staff)
            comment.author_email = self.staff.email
        if parent := self.cleaned_data["parent"]:
            comment.attach_to(parent)
        else:
            comment.question = self.cleaned_data["question"]
        return comment


def staff_name(user):
    """The name an editor's comments show: their full name, or else their username."""
    return user.get_full_name() or user.get_username()


REASON_HELP = "Shown to readers in the comment's place and in the public moderation log."
REASON_REQUIRED = "Give a reason: readers see it in the comment's place."
WIDE = {"class": "vLargeTextField"}  # the admin's wide text field


class RemovalForm(forms.Form):
    """The reason editors give when they remove comments from the moderation queue."""

    reason = forms.CharField(
        max_length=500,
        help_text=REASON_HELP,
        error_messages={"required": REASON_REQUIRED},
        widget=forms.TextInput(attrs=WIDE),
    )


class CommentModerationForm(forms.ModelForm):
    """The desk's form for one comment: its fields are read-only; the editor may approve,
    remove or mark it as spam, which `comments.moderation.moderate` applies and logs."""

    decision = forms.ChoiceField(
        choices=[
            ("", "Leave as it is"),
            (ModerationEvent.Action.APPROVE, "Approve"),
            (ModerationEvent.Action.REMOVE, "Remove"),
            (ModerationEvent.Action.SPAM, "Mark as spam"),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        max_length=500,
        required=False,
        help_text=f"Required to remove. {REASON_HELP}",
        widget=forms.TextInput(attrs=WIDE),
    )

    class Meta:
        model = Comment
        fields = []

    def clean(self):
        cleaned_data = super().clean()
        removing = cleaned_data.get("decision") == ModerationEvent.Action.REMOVE
        if removing and cleaned_data.get("reason") == "":
            self.add_error("reason", REASON_REQUIRED)
        return cleaned_data


ILLEGAL_NEEDS = "A notice of illegal content needs this (EU Digital Services Act, Art. 16(2))."


class ReportForm(forms.ModelForm):
    """A reader's report of a comment. For illegal content it asks what a notice under the
    Digital Services Act must hold: why the content is illegal, the notifier's name and email
    (not for child sexual abuse material) and a statement of good faith; the exact location is
    the comment itself. For any reason, an email address (optional) gets a receipt and the
    editors' decision (DSA Art. 16(4)-(5))."""

    child_abuse = forms.BooleanField(
        required=False,
        label="It is child sexual abuse material (then your name and email are not needed)",
    )

    class Meta:
        model = Report
        fields = [
            "reason", "note", "explanation", "notifier_name", "notifier_email", "good_faith",
        ]  # fmt: skip
        labels = {
            "reason": "Why are you reporting this comment?",
            "note": "Anything the editors should know (optional)",
            "explanation": "Illegal content: why is it illegal?",
            "notifier_name": "Illegal content: your name",
            "notifier_email": "Your email (optional; needed for illegal content)",
            "good_faith": "Illegal content: I am confident, in good faith, that what this "
            "notice says is accurate and complete",
        }
        help_texts = {
            "notifier_email": "Only to send you a receipt of this report and, later, the "
            "editors' decision. Never shown publicly, never used for anything else.",
        }
        widgets = {
            "reason": forms.RadioSelect,
            "note": forms.Textarea(attrs={"rows": 3}),
            "explanation": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {"reason": {"required": "Please choose a reason."}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, label_suffix="", **kwargs)
        self.fields["reason"].choices = Report.Reason.choices  # no empty choice

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("reason") != Report.Reason.ILLEGAL:
            for name in ("explanation", "notifier_name"):
                cleaned_data[name] = ""
            cleaned_data["good_faith"] = False
            return cleaned_data
        required = ["explanation", "good_faith"]
        if not cleaned_data.get("child_abuse"):
            required += ["notifier_name", "notifier_email"]
        for name in required:
            if not cleaned_data.get(name) and name not in self.errors:
                self.add_error(name, ILLEGAL_NEEDS)
        return cleaned_data
