from django import forms


class FollowForm(forms.Form):
    """Following an article's discussion, or one of its questions, by email."""

    email = forms.EmailField(
        label="Your email",
        max_length=254,
        error_messages={
            "required": "Please enter your email address.",
            "invalid": "Please enter a valid email address, like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    question = forms.TypedChoiceField(label="Follow", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, article, **kwargs):
        # Its own ids: the comment form on the same page has an email field too.
        super().__init__(*args, auto_id="follow_%s", label_suffix="", **kwargs)
        self.article = article
        self.questions = {question.pk: question for question in article.question_list}
        self.fields["question"].choices = [("", "The whole discussion")] + [
            (pk, f"Question {number}: {question.text}")
            for number, (pk, question) in enumerate(self.questions.items(), start=1)
        ]
        self.fields["question"].error_messages["invalid_choice"] = (
            "Please choose the whole discussion or one of this article's questions."
        )

    def clean_email(self):
        return self.cleaned_data["email"].lower()

    def clean_question(self):
        pk = self.cleaned_data["question"]  # one of the choices, checked before
        return None if pk is None else self.questions[pk]
