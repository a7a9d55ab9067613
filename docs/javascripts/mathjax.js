// MathJax 3, served from the site itself (assets/mathjax, copied at build from a registry
// package). It typesets the spans and divs that pymdownx.arithmatex marks when a page loads,
// and again if Material's instant navigation swaps a new page in. (Not with
// `output.clearCache()`, as often suggested: after it, CHTML no longer writes the CSS of the
// glyphs, and every formula is drawn with zero width. tests/test_browser.py checks widths.)
window.MathJax = {
  tex: {
    // arithmatex writes \( \) and \[ \]; a lab's Markdown cells write $ $ and $$ $$.
    inlineMath: [["\\(", "\\)"], ["$", "$"]],
    displayMath: [["\\[", "\\]"], ["$$", "$$"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    // Nothing of the page is scanned for delimiters (a "$" in prose stays a dollar) except the
    // spans arithmatex marked and a lab's Markdown cells, whose text sits in child paragraphs:
    // an ignored class would hide those children too, so only the page's frame is ignored.
    ignoreHtmlClass: "md-header|md-container|md-dialog",
    processHtmlClass: "arithmatex|jp-RenderedMarkdown|jp-MarkdownOutput",
  },
  loader: { paths: { mathjax: new URL("../assets/mathjax", document.currentScript.src).href } },
};

if (typeof document$ !== "undefined") {
  let firstPage = true; // MathJax typesets the first page by itself once it has loaded
  document$.subscribe(() => {
    if (firstPage) {
      firstPage = false;
      return;
    }
    MathJax.startup.promise.then(() => {
      MathJax.typesetClear();
      MathJax.texReset();
      return MathJax.typesetPromise();
    });
  });
}
