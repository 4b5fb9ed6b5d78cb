"""The one policy for control and invisible characters in text that people write here:
the sanitizer drops control characters, search treats them as spaces, and the comment form
refuses what would hide or disguise text (its messages say which rule a text broke).
"""

import re
import unicodedata

# Whitespace control characters a text keeps: tab and the newlines.
NEWLINES = frozenset("\t\n\r")
# C0 controls (but tab and newlines) and DEL: dropped before rendering and searching. STX/ETX
# would also collide with Python-Markdown's internal placeholders.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Embeddings, overrides and isolates reorder the text around them: "gnp.exe" can show as
# "exe.png". The direction marks (LRM, RLM, ALM) only nudge it, and stay allowed.
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that render as blank space (Hangul fillers, braille blank, Khmer
# inherent vowels), so they do not count as something visible.
BLANK_CHARACTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u17b4\u17b5")
# Invisible format characters a name may hold: joiners that shape Persian, Indic and emoji
# text, the direction marks, and the tag characters of subdivision flags.
NAME_FORMAT_CHARACTERS = frozenset("\u200c\u200d\u200e\u200f\u061c") | frozenset(
    map(chr, range(0xE0020, 0xE0080))
)
# Combining marks on one character: Vietnamese stacks two, Hebrew and Tibetan a few more; a
# longer run is "Zalgo" text that spills over the lines around it.
MAX_COMBINING_RUN = 4


def drop_control_characters(text, replacement=""):
    return CONTROL_CHARACTERS.sub(replacement, text)


def has_visible_text(text):
    """True if `text` has a letter, digit, punctuation mark or symbol, not only spaces,
    zero-width or combining characters."""
    return any(
        unicodedata.category(char)[0] in "LNPS" and char not in BLANK_CHARACTERS for char in text
    )


def has_control_characters(text, allowed=frozenset()):
    return any(unicodedata.category(char) == "Cc" and char not in allowed for char in text)


def has_bidi_controls(text):
    return not BIDI_CONTROLS.isdisjoint(text)


def has_hidden_format_characters(text):
    """True if `text` holds an invisible format character a name has no use for (zero-width
    space, word joiner, byte-order mark, soft hyphen…)."""
    return any(
        unicodedata.category(char) == "Cf" and char not in NAME_FORMAT_CHARACTERS for char in text
    )


def has_combining_flood(text):
    """True if more than MAX_COMBINING_RUN combining marks follow one another."""
    run = 0
    for char in text:
        run = run + 1 if unicodedata.combining(char) else 0
        if run > MAX_COMBINING_RUN:
            return True
    return False
