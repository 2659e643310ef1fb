"""Write N pages of the original site, generated, in the text format the ingester reads.

    python bench/corpus.py OUT_DIR N [--seed S]

For the benchmarks (100,000 to 1,000,000 pages) and for ``make demo``. Words are drawn from a
Zipf-like distribution over the vocabulary of the project's own real pages (seeds/ and
tests/data/) and made-up words, so that search meets realistic term frequencies. Dates span
2005-2017. Of every 100 pages about:

- 88 articles: the site's header and title; about 70 % open with a Media ID, its caption and
  an agency's credit dated in the caption; datelines in the site's forms; opinion columns
  without a photo; one in twenty cut off at 2,000 bytes, as the scraper cut them. Most are
  named as the scraper named them (``article-<author>-<section>-<post>.txt``), the rest by
  number, as the seed is;
- 6 photo ("attachment") pages, of an article before them;
- 6 tag listings (shapes A and D of docs/page-format.md) whose items announce articles written
  before them, by title and excerpt, so that ingest links them.

Pages go 1,000 to a folder. The same N and seed give the same pages.
"""

import argparse
import bisect
import datetime as dt
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "seeds", ROOT / "tests" / "data"]
HEADER = "Middle-east Arab News Opinion | Asharq Al-awsat"
SUFFIX = "| ASHARQ AL-AWSAT English Archive 2005 -2017"
PLACES = [
    *("Beirut", "Washington", "Riyadh", "Cairo", "London", "Baghdad", "Damascus", "Tehran", "Jeddah"),
    *("Dubai", "Amman", "Sanaa", "Tripoli", "Tunis", "Rabat", "Ankara", "Moscow", "Paris", "Gaza"),
    *("Ramallah", "Kuwait", "Doha", "Manama", "Muscat", "Khartoum", "Algiers", "Erbil", "Aleppo"),
]
CREDITS = ["REUTERS/{name}", "(AFP PHOTO/{name})", "(AP Photo/{name})", "EPA/{name}", "(Asharq Al-Awsat)"]
PHOTOGRAPHERS = ["Khalid Abdullah", "Bassam Khabieh", "Ammar Al-Arbini", "Bilal Hussein", "Yahya Arhab"]
AUTHORS = {
    "theaawsat": "Asharq Al-Awsat",
    "abdul-rahman-al-rashed": "Abdulrahman Al-Rashed",
    "tariq-alhomayed": "Tariq Alhomayed",
    "thairabbas": "Thaer Abbas",
    "maadfayad": "Maad Fayad",
    "h-qudsi": "",
}
SECTIONS = {"news-middle-east": "Middle East", "opinion": "Opinion", "world-news": "World News"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September"]
MONTHS += ["October", "November", "December"]
TRUNCATED_BYTES = 2000
SYLLABLES = "al ba dir ez zor ka mu ra sha tal qa ni har bi lo ven tra pol con gres min is ter fen sec ur".split()


def vocabulary(rng):
    """The real pages' words, most frequent first, and made-up ones to 40,000."""
    counts = {}
    for folder in SOURCES:
        for path in sorted(folder.glob("*.txt")):
            for word in re.findall(r"[A-Za-z][A-Za-z'-]+", path.read_text(encoding="utf-8", errors="replace")):
                counts[word.lower()] = counts.get(word.lower(), 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))
    while len(words) < 40_000:
        words.append("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    return words


class Writer:
    """Draws words, sentences and pages; keeps the last articles for listings to announce."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        words = vocabulary(self.rng)
        weights = [1.0 / (i + 1) ** 1.07 for i in range(len(words))]
        total, running, self.cumulative = sum(weights), 0.0, []
        for weight in weights:
            running += weight / total
            self.cumulative.append(running)
        self.words = words
        self.recent = []  # (title, first paragraph, day, author name, section name, post slug)

    def draw(self, count):
        return [
            self.words[min(bisect.bisect_left(self.cumulative, self.rng.random()), len(self.words) - 1)]
            for _ in range(count)
        ]

    def sentence(self):
        words = self.draw(self.rng.randint(8, 28))
        return " ".join([words[0].capitalize(), *words[1:]]) + self.rng.choice(".....?")

    def title(self):
        return " ".join(w.capitalize() for w in self.draw(self.rng.randint(4, 10)))

    def day(self):
        return dt.date(2005, 1, 1) + dt.timedelta(days=self.rng.randint(0, 13 * 365))

    def caption(self, day):
        credit = self.rng.choice(CREDITS).format(name=self.rng.choice(PHOTOGRAPHERS))
        when = f"{MONTHS[day.month - 1]} {day.day}, {day.year}"
        return f"{self.sentence()[:-1]} in {self.rng.choice(PLACES)}, {when}. {credit}"

    def dateline(self):
        place = self.rng.choice(PLACES)
        return self.rng.choice([f"{place}, Asharq Al-Awsat—", f"{place} – ", f"{place}, Reuters—", f"{place}- "])

    def article(self, number):
        """(file name, text) of an article page."""
        rng, day, title = self.rng, self.day(), self.title()
        author = rng.choice(list(AUTHORS))
        section = "opinion" if author in ("abdul-rahman-al-rashed", "tariq-alhomayed") else rng.choice(list(SECTIONS))
        lines = [HEADER, "", f"{title} {SUFFIX}", "Select Page"]
        column = section == "opinion" and rng.random() < 0.8
        if not column and rng.random() < 0.7:
            lines += [f"Media ID: {55000000 + number}", "Caption:", "", self.caption(day), "", ""]
        paragraphs = [" ".join(self.sentence() for _ in range(rng.randint(2, 6))) for _ in range(rng.randint(4, 16))]
        if not column:
            paragraphs[0] = self.dateline() + paragraphs[0]
        text = "\n".join(lines) + "\n" + "\n\n".join(paragraphs) + "\n"
        if rng.random() < 0.05:
            text = text.encode("utf-8")[:TRUNCATED_BYTES].decode("utf-8", errors="ignore")
        post = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or f"post-{number}"
        self.remember(title, paragraphs[0], day, AUTHORS[author], SECTIONS.get(section, "Opinion"), post)
        if rng.random() < 0.75:
            return f"article-{author}-{section}-{post}.txt", text
        return f"{number:07d}.txt", text

    def remember(self, *facts):
        self.recent = [*self.recent[-39:], facts]

    def photo_page(self, number):
        """(file name, text) of an attachment page of a recent article."""
        _, _, day, _, _, post = self.rng.choice(self.recent)
        image = "-".join(self.draw(2))
        text = f"{HEADER}\n\n{image.replace('-', ' ').capitalize()} {SUFFIX}\nSelect Page\n\n{self.caption(day)}\n"
        return f"other-attachment-{image}-{number}-of-{post}.txt", text

    def listing(self, number):
        """(file name, text) of a tag page listing recent articles: titled items (shape A) or
        by-line items without a header (shape D)."""
        items = self.rng.sample(self.recent, min(len(self.recent), self.rng.randint(2, 6)))
        name = "-".join(self.draw(2))
        if self.rng.random() < 0.5:
            blocks = [f"{title}\n\n{opening[:240].rsplit(' ', 1)[0]}..." for title, opening, *_ in items]
            text = f"{HEADER}\n\n{name.replace('-', ' ').title()} Archives {SUFFIX}\nSelect Page\n\n" + "\n\n".join(
                blocks
            )
        else:
            lines = []
            for _, opening, day, author, section, _ in items:
                lines += [f"by {author or 'Asharq Al-Awsat'} | {day:%b} {day.day}, {day.year} | {section}"]
                lines += [opening[:240].rsplit(" ", 1)[0] + "..."]
            text = "\n".join(lines)
        return f"tag-{name}-{number}.txt", text + "\n"

    def page(self, number):
        roll = self.rng.random()
        if self.recent and roll < 0.06:
            return self.photo_page(number)
        if self.recent and roll < 0.12:
            return self.listing(number)
        return self.article(number)


def write(folder, count, seed=7):
    writer = Writer(seed)
    for number in range(count):
        name, text = writer.page(number)
        sub = Path(folder) / f"{number // 1000:04d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / name).write_text(text, encoding="utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="the folder to write the pages into")
    parser.add_argument("n", type=int, help="how many pages")
    parser.add_argument("--seed", type=int, default=7, help="the same seed gives the same pages (default 7)")
    args = parser.parse_args()
    write(args.out, args.n, args.seed)


if __name__ == "__main__":
    main()
