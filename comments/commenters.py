"""A commenter as their browser remembers them, in a signed, HttpOnly cookie set only when
they post or verify an address (never for reading): their name and email for the next form,
the addresses verified in this browser, when they last posted, and their comments (which they
may edit or withdraw from here).

Nothing of it is kept on the server; the signature means only the site could have written it.
"""

import time
from dataclasses import dataclass, field, replace

from django.core import signing

from freshness.pages import COMMENTER_COOKIE

SALT = "comments.commenter"
MAX_AGE = 365 * 24 * 3600
# The newest comments remembered, the newest verified addresses.
MAX_COMMENTS = 50
MAX_ADDRESSES = 5


@dataclass(frozen=True)
class Commenter:
    name: str = ""
    email: str = ""
    verified: tuple[str, ...] = ()
    posted_at: float | None = None
    comments: tuple[int, ...] = field(default=())

    def has_verified(self, email):
        """True if `email` was verified in this browser."""
        return email.lower() in self.verified

    def posted_within(self, seconds):
        return self.posted_at is not None and time.time() - self.posted_at < seconds

    def wrote(self, comment_pk):
        return comment_pk in self.comments

    def after_posting(self, comment):
        return replace(
            self,
            name=comment.author_name,
            email=comment.author_email,
            posted_at=time.time(),
            comments=(*self.comments, comment.pk)[-MAX_COMMENTS:],
        )

    def after_verifying(self, email):
        email = email.lower()
        addresses = (*(a for a in self.verified if a != email), email)[-MAX_ADDRESSES:]
        return replace(self, email=self.email or email, verified=addresses)


def commenter(request):
    """The commenter this browser remembers, or an empty one."""
    try:
        data = request.get_signed_cookie(COMMENTER_COOKIE, salt=SALT, max_age=MAX_AGE)
        values = signing.JSONSerializer().loads(data.encode())
        return Commenter(
            name=str(values.get("name", "")),
            email=str(values.get("email", "")),
            verified=tuple(str(address) for address in values.get("verified", [])),
            posted_at=values.get("posted_at"),
            comments=tuple(int(pk) for pk in values.get("comments", [])),
        )
    except (KeyError, signing.BadSignature, ValueError, TypeError, AttributeError):
        return Commenter()


def remember(response, request, commenter):
    """Keep `commenter` in this browser's cookie."""
    data = signing.JSONSerializer().dumps(
        {
            "name": commenter.name,
            "email": commenter.email,
            "verified": list(commenter.verified),
            "posted_at": commenter.posted_at,
            "comments": list(commenter.comments),
        }
    )
    response.set_signed_cookie(
        COMMENTER_COOKIE,
        data.decode(),
        salt=SALT,
        max_age=MAX_AGE,
        secure=request.is_secure(),
        httponly=True,
        samesite="Lax",
    )
