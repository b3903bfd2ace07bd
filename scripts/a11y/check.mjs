// Accessibility of published HTML pages, as a browser shows them: axe-core (WCAG 2.1 A
// and AA rules) run in Debian's headless Chromium at each width asked for, and, at the
// narrow widths, whether a heading breaks a word where no hyphen is shown. Used by
// tests/a11y.rs.
//
//   node scripts/a11y/check.mjs REQUEST.json   # prints the answers as JSON
//
// REQUEST: {"pages": ["/abs/page.html", …],
//           "axe_widths": [1280, 390],        # axe-core at these viewport widths
//           "break_widths": [390, 320],       # word breaks in headings, and overflow
//           "screenshots": "/abs/dir"}        # optional: a full-page PNG per page and width
// Answer: {"chromium": version, "axe": version,
//          "results": [{page, width, violations: [{id, impact, help, helpUrl,
//                       nodes: [{target, summary}]}], incomplete: [id…], passes: n,
//                       breaks: [{heading, before, after}], overflow: px, requests: [url…]}]}
//
// A break is two letters or digits of one word on different lines with nothing between
// them: the browser broke the word (overflow-wrap) where a reader sees no hyphen. A break
// after a hyphen, a dash, a slash or a soft hyphen (U+00AD, shown as a hyphen when the
// line breaks there) is a break a reader can follow. `overflow` is how many pixels the
// page is wider than the viewport (0: nothing scrolls sideways but the tables' own
// containers). `requests` are the URLs the page asked for beyond itself: a published
// page loads nothing, and every request is refused.
//
// Chromium is /usr/bin/chromium (Debian's package; STYRDOK_CHROMIUM overrides), driven
// through playwright-core, with a fresh profile folder that is removed afterwards, no
// sandbox (it runs as root in CI), no GPU, no network of its own (background
// networking, component updates and sync off). Both packages come from
// scripts/a11y/node_modules (scripts/install-test-tools installs the versions pinned in
// package-lock.json).
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const here = dirname(fileURLToPath(import.meta.url));
const request = JSON.parse(readFileSync(process.argv[2], "utf8"));
const axeSource = readFileSync(join(here, "node_modules/axe-core/axe.min.js"), "utf8");
const axeVersion = JSON.parse(
  readFileSync(join(here, "node_modules/axe-core/package.json"), "utf8"),
).version;

const profile = mkdtempSync(join(tmpdir(), "styrdok-a11y-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.STYRDOK_CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
  ],
  viewport: { width: 1280, height: 900 },
  locale: "sv-SE",
});

// The heading check, run in the page: every pair of letters or digits that are
// neighbours in a heading's text but sit on different lines.
function wordBreaks() {
  const word = /[\p{L}\p{N}]/u;
  const out = [];
  for (const h of document.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const walker = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
    let prev = null;
    let text = "";
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      for (let i = 0; i < n.data.length; i++) {
        const ch = n.data[i];
        text += ch;
        if (!word.test(ch)) {
          prev = null;
          continue;
        }
        const r = document.createRange();
        r.setStart(n, i);
        r.setEnd(n, i + 1);
        const rects = r.getClientRects();
        if (rects.length === 0) {
          prev = null;
          continue;
        }
        // The last box is the character's own: at a soft hyphen where the line breaks,
        // Chromium gives the character after it the hyphen's box first.
        const rect = rects[rects.length - 1];
        if (prev && rect.top > prev.top + prev.height / 2) {
          out.push({
            heading: h.textContent.replace(/\s+/g, " ").trim(),
            before: text.slice(0, -1).split(/\s/).pop(),
            after: ch,
          });
        }
        prev = { top: rect.top, height: rect.height };
      }
    }
  }
  return out;
}

const results = [];
const widths = [
  ...new Set([...(request.axe_widths ?? []), ...(request.break_widths ?? [])]),
].sort((a, b) => b - a);
try {
  for (const file of request.pages) {
    const url = pathToFileURL(file).href;
    const page = await context.newPage();
    const requests = [];
    await page.route("**/*", (route) => {
      const u = route.request().url();
      if (u.split("#")[0] === url) return route.continue();
      requests.push(u);
      return route.abort();
    });
    for (const width of widths) {
      await page.setViewportSize({ width, height: 900 });
      await page.goto(url, { waitUntil: "load" });
      const result = { page: file, width, requests };
      if ((request.axe_widths ?? []).includes(width)) {
        await page.evaluate(axeSource);
        const axe = await page.evaluate(() =>
          globalThis.axe.run(document, {
            runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
            resultTypes: ["violations"],
          }),
        );
        result.violations = axe.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          helpUrl: v.helpUrl,
          nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: n.failureSummary })),
        }));
        result.incomplete = axe.incomplete.map((v) => v.id);
        result.passes = axe.passes.length;
      }
      if ((request.break_widths ?? []).includes(width)) {
        result.breaks = await page.evaluate(wordBreaks);
        result.overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - window.innerWidth,
        );
      }
      if (request.screenshots) {
        await page.screenshot({
          path: join(request.screenshots, `${basename(file, ".html")}-${width}.png`),
          fullPage: true,
        });
      }
      results.push(result);
    }
    await page.close();
  }
} finally {
  const chromiumVersion = context.browser()?.version() ?? null;
  await context.close();
  rmSync(profile, { recursive: true, force: true });
  process.stdout.write(
    JSON.stringify({ chromium: chromiumVersion, axe: axeVersion, results }, null, 1) + "\n",
  );
}
