"""Split PostgreSQL script text into statements (dev tool, used by extract_schema.py).

Understands -- and /* */ comments, 'strings' (with '' and E'\\' escapes), "identifiers" and
$tag$ dollar quoting. Each statement keeps the comment lines right above it (its "lead").
"""
import re

DOLLAR = re.compile(r"\$([A-Za-z_][A-Za-z_0-9]*)?\$")


def split(text):
    """Returns a list of (lead, statement) pairs; statement ends with ';'."""
    out = []
    i, n = 0, len(text)
    start = 0
    depth = 0          # inside BEGIN ATOMIC ... END (CASE ... END counted too)
    last_word = ''
    while i < n:
        c = text[i]
        if (c.isalpha() or c == '_') and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in '_$')):
            j = i
            while j < n and (text[j].isalnum() or text[j] in '_$'):
                j += 1
            word = text[i:j].lower()
            if word == 'atomic' and last_word == 'begin':
                depth += 1
            elif depth and word == 'case':
                depth += 1
            elif depth and word == 'end':
                depth -= 1
            last_word = word
            i = j
        elif c == '-' and text.startswith('--', i):
            j = text.find('\n', i)
            i = n if j < 0 else j + 1
        elif c == '/' and text.startswith('/*', i):
            depth, i = 1, i + 2
            while i < n and depth:
                if text.startswith('/*', i):
                    depth, i = depth + 1, i + 2
                elif text.startswith('*/', i):
                    depth, i = depth - 1, i + 2
                else:
                    i += 1
        elif c == "'":
            escape = i > 0 and text[i - 1] in 'eE' and (i < 2 or not (text[i - 2].isalnum() or text[i - 2] == '_'))
            i += 1
            while i < n:
                if escape and text[i] == '\\':
                    i += 2
                    continue
                if text[i] == "'":
                    if text.startswith("''", i):
                        i += 2
                        continue
                    break
                i += 1
            i += 1
        elif c == '"':
            j = text.find('"', i + 1)
            i = j + 1
        elif c == '$' and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == '_')):
            m = DOLLAR.match(text, i)
            if m:
                tag = m.group(0)
                j = text.find(tag, m.end())
                if j < 0:
                    raise ValueError('unterminated dollar quote at %d' % i)
                i = j + len(tag)
            else:
                i += 1
        elif c == ';' and depth:
            i += 1
        elif c == ';':
            chunk = text[start:i + 1]
            out.append(chunk)
            i += 1
            start = i
        else:
            i += 1
    tail = text[start:]
    result = []
    for chunk in out:
        lead, body = separate(chunk)
        result.append((lead, body))
    return result, tail


def separate(chunk):
    """Splits a chunk into its leading comment block (kept only when it touches the statement)
    and the statement itself."""
    lines = chunk.split('\n')
    k = 0
    while k < len(lines) and (lines[k].strip() == '' or lines[k].lstrip().startswith('--')):
        k += 1
    head = lines[:k]
    body = '\n'.join(lines[k:])
    # the comment block directly above the statement (no blank line between)
    lead = []
    for line in reversed(head):
        if line.strip() == '':
            break
        lead.append(line)
    lead.reverse()
    return '\n'.join(lead), body.strip()


def strip_comments(stmt):
    """Lower-cased statement without comments and with whitespace collapsed (for classifying)."""
    s = re.sub(r'--[^\n]*', ' ', stmt)
    return re.sub(r'\s+', ' ', s).strip().lower()
