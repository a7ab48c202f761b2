import re

HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
FENCE = re.compile(r"^(```|~~~)")


def slugify(title, seen):
    """GitHub-style anchor: lower case, punctuation dropped, spaces to dashes, -1/-2 for repeats."""
    slug = re.sub(r"[^\w\- ]", "", title.lower()).replace(" ", "-")
    n = seen.get(slug, 0)
    seen[slug] = n + 1
    return slug if n == 0 else f"{slug}-{n}"


def build_toc(text, max_level=6):
    lines, seen, in_fence = [], {}, False
    for line in text.splitlines():
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        m = None if in_fence else HEADING.match(line)
        if not m:
            continue
        level, title = len(m.group(1)), m.group(2)
        anchor = slugify(title, seen)
        if level <= max_level:
            lines.append(f"{'  ' * (level - 1)}- [{title}](#{anchor})")
    return "\n".join(lines) + ("\n" if lines else "")
