// The models of a page, in the reader's browser: the panel of the appendix "The models in your
// browser" (docs/stage-03/in-your-browser.md, which explains the mathematics below).
//
// A plain ES module, no framework, nothing fetched but the page's own model files. It reads the
// files that code/stage-03/panel.py writes and computes, in float64, what the book's Python
// computes: the network's forward pass (neural_lm.MLPLanguageModel) and interpolated
// Kneser–Ney (ngram.KneserNey); it fills every element `.lm-panel[data-models]` of the page.

const MAGIC = "NLMPANEL";
const BOUNDARY_ID = 0;
const UNK_ID = 1;
const SITE_ROOT = new URL("../", import.meta.url); // this file is <site>/javascripts/panel.js
const WIDTH = { uint8: 1, uint16: 2, uint32: 4, float32: 4 };
const TOP = 10; // bars per model; the rest is one bar more

// ---- the file: a header and arrays, gzip-compressed (panel.model_file) ----------------------

const files = new Map(); // url -> Promise of {header, arrays}: each file is fetched once

export function fetchModelFile(url) {
  if (!files.has(url)) files.set(url, fetch(url).then(readResponse));
  return files.get(url);
}

async function readResponse(response) {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${response.statusText}`);
  let bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = await gunzip(bytes); // unless the server did
  return parseModelFile(bytes);
}

async function gunzip(bytes) {
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// MAGIC, the header's length (4 bytes, little-endian), the header (JSON), then each array of
// header.arrays in turn, as byte planes: the first byte of every element, then every second...
export function parseModelFile(bytes) {
  const text = new TextDecoder();
  if (text.decode(bytes.subarray(0, 8)) !== MAGIC) throw new Error("not a model file of the panel");
  const size = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  const header = JSON.parse(text.decode(bytes.subarray(12, 12 + size)));
  const arrays = {};
  let start = 12 + size;
  for (const { name, dtype, shape } of header.arrays) {
    const n = shape.reduce((a, b) => a * b, 1);
    arrays[name] = fromPlanes(bytes, start, n, dtype);
    start += n * WIDTH[dtype];
  }
  return { header, arrays };
}

// Element i is the sum over planes j of byte i of plane j times 256^j. A float32 is rebuilt as
// the 32-bit whole number of its bits, which a Float32Array over the same memory then reads.
function fromPlanes(bytes, start, n, dtype) {
  const Type = { uint8: Uint8Array, uint16: Uint16Array }[dtype] ?? Uint32Array;
  const out = new Type(n);
  for (let j = 0; j < WIDTH[dtype]; j++) {
    const plane = bytes.subarray(start + j * n, start + (j + 1) * n);
    const scale = 2 ** (8 * j);
    for (let i = 0; i < n; i++) out[i] += plane[i] * scale;
  }
  return dtype === "float32" ? new Float32Array(out.buffer) : out;
}

// ---- tokens: the vocabulary of corpora.py ----------------------------------------------------

const WORD = /[a-z]+(?:'[a-z]+)*|[^\sa-z]|\n/g; // corpora.WORD: a word, one other mark, a newline
const CLOSING = new Set([..."\n,.;:!?')]"]); // no space before these (corpora.CLOSING) ...
const OPENING = new Set([..."\n(["]); // ... nor after these (corpora.OPENING)

export class Tokens {
  constructor(vocab) {
    this.kind = vocab.kind; // "chars" or "words"
    this.symbols = vocab.symbols; // id -> symbol: BOUNDARY "\n" is 0, UNK "\0" is 1
    this.index = new Map(vocab.symbols.map((s, i) => [s, i]));
    this.unit = this.kind === "words" ? "word" : "character";
  }

  split(text) {
    return this.kind === "words" ? text.toLowerCase().match(WORD) ?? [] : Array.from(text);
  }

  encode(text) {
    return this.split(text).map((token) => this.index.get(token) ?? UNK_ID);
  }

  // Words are joined by a space, except before a closing mark and after an opening one.
  decode(ids, previous = BOUNDARY_ID) {
    let text = "";
    for (const id of ids) {
      const token = this.symbols[id];
      const space = this.kind === "words" && !OPENING.has(this.symbols[previous])
        && !CLOSING.has(token);
      text += (space ? " " : "") + (id === UNK_ID ? "⟨unk⟩" : token);
      previous = id;
    }
    return text;
  }

  shown(id) {
    return { "\n": "⏎", " ": "␣", "\0": "⟨unk⟩" }[this.symbols[id]] ?? this.symbols[id];
  }
}

// The last K ids of history, padded on the left with BOUNDARY (corpora.pad_history).
function padded(history, K) {
  const recent = history.slice(Math.max(history.length - K, 0));
  return [...new Array(K - recent.length).fill(BOUNDARY_ID), ...recent];
}

// The ids a model reads before position i: all of them; in lines mode, those after the last
// BOUNDARY, since an item starts afresh (panel.history_ids, lm.restart_after).
function historyAt(ids, i, lines) {
  const start = lines ? ids.lastIndexOf(BOUNDARY_ID, i - 1) + 1 : 0;
  return ids.slice(start, i);
}

// ---- the network: h_0 = [C_c1 ... C_cK], h_l = act(h_(l-1) W_l + b_l), softmax(h_L W + b) --

export class Network {
  constructor({ header, arrays }) {
    this.header = header;
    this.config = header.config;
    this.tokens = new Tokens(header.vocab);
    const weight = (name) => header.bits
      ? dequantised(arrays[`${name}.codes`], arrays[`${name}.steps`], header.bits)
      : Float64Array.from(arrays[name]);
    const layer = (name) => ({
      W: weight(`${name}.weight`), // (n_in, n_out), row-major
      b: Float64Array.from(arrays[`${name}.bias`]),
    });
    this.C = weight("embedding.weight"); // (V, D), row-major
    this.hidden = this.config.hidden.map((_, l) => layer(`hidden${l + 1}`));
    this.output = layer("output");
  }

  // ln P(next token | the last K ids of history): (V,)
  logProbs(history) {
    const { context: K, embedding: D, activation } = this.config;
    let h = new Float64Array(K * D); // h_0: the K embeddings side by side
    padded(history, K).forEach((id, k) => h.set(this.C.subarray(id * D, (id + 1) * D), k * D));
    const act = activation === "tanh" ? Math.tanh : (z) => Math.max(z, 0);
    for (const layer of this.hidden) h = affine(h, layer).map(act); // (H_l,)
    return logSoftmax(affine(h, this.output));
  }

  probs(history) {
    return this.logProbs(history).map(Math.exp);
  }
}

// A weight rounded to a grid: W[i][j] = (code - M) step_j, M = 2^(bits-1) - 1 (panel.quantised).
function dequantised(codes, steps, bits) {
  const M = 2 ** (bits - 1) - 1;
  const out = new Float64Array(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = (codes[i] - M) * steps[i % steps.length];
  return out;
}

// y = x W + b, W of shape (n_in, n_out) row-major. Row by row, skipping the zeros ReLU made.
function affine(x, { W, b }) {
  const y = Float64Array.from(b);
  const nOut = b.length;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    for (let j = 0, row = i * nOut; j < nOut; j++) y[j] += xi * W[row + j];
  }
  return y;
}

// z - ln sum exp z, shifted by the largest z so that nothing overflows (neural_lm.log_softmax).
function logSoftmax(z) {
  let top = -Infinity;
  for (const v of z) top = Math.max(top, v);
  let sum = 0;
  for (const v of z) sum += Math.exp(v - top);
  const shift = top + Math.log(sum);
  return z.map((v) => v - shift);
}

// ---- Kneser–Ney: P_m(w|h) = (c(hw) - D(c(hw)) + gamma(h) P_(m-1)(w|h')) / c(h) ----------------

export class KneserNey {
  constructor({ header, arrays }) {
    this.header = header;
    this.order = header.order;
    this.tokens = new Tokens(header.vocab);
    this.V = this.tokens.symbols.length;
    this.D = header.discounts.map((d) => [0, ...d]); // per level: D(0) = 0, D1, D2, D3+
    // the trie of contexts, newest token first: depth d holds the contexts of d tokens
    this.depths = Array.from({ length: this.order }, (_, d) => ({
      tokens: arrays[`depth${d}.tokens`], // the token each node adds, one further back
      children: offsets(arrays[`depth${d}.children`]), // node i's children: [c[i], c[i + 1])
      followers: offsets(arrays[`depth${d}.followers`]), // its entries of level d + 1
    }));
    this.levels = Array.from({ length: this.order }, (_, d) => ({
      tokens: arrays[`level${d + 1}.tokens`], counts: arrays[`level${d + 1}.counts`],
    }));
  }

  // nodes[d]: the node of the last d tokens of the context, for as long as they were seen
  walk(history) {
    const K = this.order - 1;
    const context = padded(history, K);
    const nodes = [0];
    for (let d = 1; d <= K; d++) {
      const { children } = this.depths[d - 1];
      const parent = nodes[d - 1];
      const child = search(this.depths[d].tokens, children[parent], children[parent + 1],
        context[K - d]);
      if (child < 0) break;
      nodes.push(child);
    }
    return nodes;
  }

  // Was the context of the last order - 1 tokens seen in training? (chapter 3.7's "seen")
  seen(history) {
    return this.walk(history).length === this.order;
  }

  // P(w | history) for every w, from P_0 = 1/V up the levels whose context was seen
  probs(history) {
    const nodes = this.walk(history);
    let p = new Float64Array(this.V).fill(1 / this.V);
    nodes.forEach((node, d) => {
      const { tokens, counts } = this.levels[d];
      const D = this.D[d];
      const from = this.depths[d].followers[node];
      const to = this.depths[d].followers[node + 1];
      const discounted = new Float64Array(this.V); // c(hw) - D(c(hw)), 0 where c(hw) = 0
      const n = [0, 0, 0, 0]; // N1(h.), N2(h.), N3+(h.) at n[1], n[2], n[3]
      let total = 0; // c(h)
      for (let e = from; e < to; e++) {
        const c = counts[e];
        discounted[tokens[e]] = c - D[Math.min(c, 3)];
        n[Math.min(c, 3)] += 1;
        total += c;
      }
      if (total === 0) return; // a context seen only where its entries were pruned: P_m = P_(m-1)
      const gamma = D[1] * n[1] + D[2] * n[2] + D[3] * n[3];
      p = p.map((pw, w) => (discounted[w] + gamma * pw) / total);
    });
    return p;
  }

  logProbs(history) {
    return this.probs(history).map(Math.log);
  }
}

function offsets(counts) {
  if (!counts) return null;
  const out = new Float64Array(counts.length + 1);
  for (let i = 0; i < counts.length; i++) out[i + 1] = out[i] + counts[i];
  return out;
}

// The index of token among sorted[from..to), or -1 (binary search).
function search(sorted, from, to, token) {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const middle = (lo + hi) >>> 1;
    if (sorted[middle] < token) lo = middle + 1;
    else hi = middle;
  }
  return lo < to && sorted[lo] === token ? lo : -1;
}

// ---- sampling: a small seeded generator, and softmax(ln p / T) --------------------------------

// mulberry32 (Tommy Ettinger, 2017): 32 bits of state, a new number in [0, 1) per call; the
// same seed gives the same numbers in every browser.
export function mulberry32(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// One id from softmax(ln p / T) (UNK never); T = 0, the most probable one (lm.draw).
export function draw(logProbs, temperature, random) {
  let best = -1;
  logProbs.forEach((lp, w) => {
    if (w !== UNK_ID && (best < 0 || lp > logProbs[best])) best = w;
  });
  if (temperature === 0) return best;
  const top = logProbs[best];
  const weights = logProbs.map((lp, w) => (w === UNK_ID ? 0 : Math.exp((lp - top) / temperature)));
  let u = random() * weights.reduce((a, b) => a + b, 0);
  for (let w = 0; w < weights.length; w++) {
    u -= weights[w];
    if (u < 0) return w;
  }
  return best; // only when rounding left u at 0
}

// ---- the panel ---------------------------------------------------------------------------------

export async function loadPair({ network, kneser_ney: kneserNey }) {
  const files = [network, kneserNey].map((file) => fetchModelFile(new URL(file, SITE_ROOT)));
  const [a, b] = await Promise.all(files);
  return { network: new Network(a), kneserNey: new KneserNey(b) };
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

// The ids of the k largest values of p, largest first (ties: the smaller id first).
function largest(p, k) {
  const top = [];
  p.forEach((value, w) => {
    if (top.length === k && value <= p[top[k - 1]]) return;
    let i = top.length;
    while (i > 0 && p[top[i - 1]] < value) i--;
    top.splice(i, 0, w);
    if (top.length > k) top.pop();
  });
  return top;
}

const percent = (p) => (p >= 0.001 ? `${(100 * p).toFixed(1)}%` : `${(100 * p).toPrecision(1)}%`);
const count = (n) => n.toLocaleString("en");
let panels = 0; // on this page, to name the inputs of each

class Panel {
  constructor(element) {
    this.element = element;
    this.choices = JSON.parse(element.dataset.models); // [{label, network, kneser_ney}, ...]
    this.pairs = new Map(); // index -> Promise of a loaded pair
    this.streamMs = Number(element.dataset.streamMs ?? 15); // the pause after a sampled token
    this.build();
    element.hidden = false;
    this.choose(0);
  }

  build() {
    const id = `lm-panel-${(panels += 1)}`;
    const toggle = el("div", { class: "lm-panel__toggle", role: "radiogroup",
      "aria-label": "tokens" });
    this.choices.forEach((choice, i) => {
      const input = el("input", { type: "radio", name: `${id}-tokens`, value: i });
      input.checked = i === 0;
      input.addEventListener("change", () => this.choose(i));
      toggle.append(el("label", {}, input, ` ${choice.label}`));
    });
    toggle.hidden = this.choices.length < 2;
    this.text = el("textarea", { id: `${id}-text`, rows: 2, maxlength: 2000, spellcheck: "false",
      autocomplete: "off", placeholder: "Type a context…" });
    this.text.addEventListener("input", () => this.update());
    this.status = el("p", { class: "lm-panel__status", "aria-live": "polite" },
      "Loading the models…");
    this.views = ["network", "kneserNey"].map((key) => this.modelView(key));
    this.temperature = el("input", { type: "range", min: 0, max: 2, step: 0.05, value: 0.8 });
    const shown = el("output", {}, this.temperature.value);
    this.temperature.addEventListener("input", () => {
      shown.textContent = this.temperature.value;
    });
    this.seed = el("input", { type: "number", min: 0, step: 1, value: 1 });
    this.sampled = el("pre", { class: "lm-panel__sample", "aria-live": "polite" });
    this.element.replaceChildren(
      toggle,
      el("label", { class: "lm-panel__label", for: `${id}-text` }, "Context"),
      this.text,
      this.status,
      el("div", { class: "lm-panel__models" }, ...this.views.map((view) => view.box)),
      el("div", { class: "lm-panel__sampling" },
        el("label", {}, "Temperature ", this.temperature, " ", shown),
        el("label", {}, "Seed ", this.seed),
        ...this.views.map((view) => view.button)),
      this.sampled,
    );
  }

  // A model's column: its name, TOP bars and the rest, its score, what it is; its button.
  modelView(key) {
    const bars = el("ol", { class: "lm-panel__bars" });
    for (let i = 0; i <= TOP; i++) {
      bars.append(el("li", {},
        el("span", { class: "lm-panel__token" }),
        el("span", { class: "lm-panel__track" }, el("span", { class: "lm-panel__fill" })),
        el("span", { class: "lm-panel__p" })));
    }
    const view = { title: el("h4"), bars, score: el("p", { class: "lm-panel__score" }),
      about: el("p", { class: "lm-panel__about" }),
      button: el("button", { type: "button", "data-model": key }) };
    view.box = el("section", { class: "lm-panel__model", "data-model": key },
      view.title, bars, view.score, view.about);
    view.button.addEventListener("click", () => this.sample(key));
    return view;
  }

  async choose(index) {
    this.chosen = index;
    if (!this.pairs.has(index)) this.pairs.set(index, loadPair(this.choices[index]));
    this.element.dataset.ready = "false";
    let pair;
    try {
      pair = await this.pairs.get(index);
    } catch (error) {
      this.status.textContent = `The models could not be loaded (${error.message}); `
        + "the panel needs the site served over http (make serve), not opened as files.";
      return;
    }
    if (this.chosen !== index) return; // the reader chose the other pair meanwhile
    this.pair = pair;
    this.tokens = pair.network.tokens;
    this.lines = pair.network.header.lines; // one item per line: an item starts afresh
    this.element.dataset.tokens = this.tokens.kind;
    this.describe();
    this.ids = [];
    this.typed = []; // [network, Kneser–Ney]: ln P of each token typed, given those before it
    this.shown = null; // [network, Kneser–Ney]: ln P of the next token, as the bars show it
    this.update();
    this.element.dataset.ready = "true";
    this.element.dataset.readyMs ??= performance.now().toFixed(0); // since the page began to load
  }

  describe() {
    const [nn, kn] = this.views;
    const { network, kneserNey } = this.pair;
    const c = network.config;
    const { bits, rounding } = network.header;
    nn.title.textContent = "The network";
    nn.about.textContent = `${c.context} ${this.tokens.unit}s of context, embeddings of `
      + `${c.embedding}, hidden ${c.hidden.join(" × ")} ${c.activation}; `
      + (bits ? `weights rounded to ${bits} bits (no probability moved by more than `
        + `${rounding.largest_change.toExponential(1)} on ${count(rounding.contexts)} `
        + "validation contexts)" : "weights as float32");
    const { order, discount, pruning } = kneserNey.header;
    const { fitted, exported } = pruning.valid_bits; // bits per token on the validation text
    kn.title.textContent = "Kneser–Ney" + (pruning.min_count > 1 ? ", pruned" : "");
    kn.about.textContent = `order ${order}, `
      + (discount === null ? "modified discounts; " : `discount ${discount}; `)
      + (pruning.min_count > 1 ? `pruned to fit the page: the n-grams counted fewer than `
        + `${pruning.min_count} times are left out from order ${pruning.from_order} up `
        + `(${count(pruning.entries)} of ${count(pruning.entries_before)} kept), which costs `
        + `${(exported - fitted).toFixed(3)} bits per ${this.tokens.unit} on the validation text `
        + `(${exported.toFixed(3)} against ${fitted.toFixed(3)})`
        : "every count of the training text");
    nn.button.textContent = "Sample from the network";
    kn.button.textContent = "Sample from Kneser–Ney";
  }

  // The ids of the context: of the whole text; for words, a word still being typed (no space
  // or mark after it yet) is left out.
  contextIds() {
    const text = this.text.value;
    return this.tokens.encode(this.tokens.kind === "words" ? text.replace(/[a-z']+$/i, "") : text);
  }

  update() {
    if (!this.pair) return;
    const started = performance.now();
    const ids = this.contextIds();
    const models = [this.pair.network, this.pair.kneserNey];
    let same = 0; // the tokens typed before that the last update scored already
    while (same < Math.min(ids.length, this.typed.length) && ids[same] === this.ids[same]) same++;
    this.typed.length = same;
    for (let i = same; i < ids.length; i++) {
      const shown = this.shown && i === same && same === this.ids.length; // the bars showed it
      const logProbs = shown ? this.shown
        : models.map((model) => model.logProbs(historyAt(ids, i, this.lines)));
      this.typed.push(logProbs.map((lp) => lp[ids[i]]));
    }
    this.ids = ids;
    const history = historyAt(ids, ids.length, this.lines);
    this.shown = models.map((model) => model.logProbs(history));
    this.shown.forEach((lp, k) => this.show(this.views[k], lp.map(Math.exp), k));
    this.showStatus(history);
    void this.element.offsetHeight; // lay the page out now, so that the time includes it
    this.element.dataset.updateMs = (performance.now() - started).toFixed(2);
  }

  show(view, p, k) {
    const top = largest(p, TOP);
    const rest = Math.max(1 - top.reduce((sum, w) => sum + p[w], 0), 0);
    const rows = [...top.map((w) => [this.tokens.shown(w), p[w]]), ["the rest", rest]];
    [...view.bars.children].forEach((li, i) => {
      const [label, value] = rows[i] ?? ["", 0];
      const [token, track, shown] = li.children;
      token.textContent = label;
      track.firstChild.style.width = `${(100 * value).toFixed(2)}%`;
      shown.textContent = rows[i] ? percent(value) : "";
      li.className = i === top.length ? "lm-panel__rest" : "";
    });
    view.bars.dataset.top = top.join(" "); // for the tests
    const typed = this.typed.map((scores) => scores[k]);
    const unit = this.tokens.unit;
    if (!typed.length) {
      view.score.textContent = `Type, and see the probability it gave each ${unit}.`;
      return;
    }
    const bits = -typed.reduce((a, b) => a + b, 0) / typed.length / Math.LN2;
    view.score.textContent = `It gave ‘${this.tokens.shown(this.ids[this.ids.length - 1])}’, `
      + `typed last, ${percent(Math.exp(typed[typed.length - 1]))}; the ${typed.length} ${unit}s `
      + `typed, ${bits.toFixed(2)} bits per ${unit}.`;
  }

  // Seen: Kneser–Ney's walk reached the context of order - 1 tokens (chapter 3.7's "seen").
  showStatus(history) {
    const K = this.pair.kneserNey.order - 1;
    const found = this.pair.kneserNey.walk(history).length - 1;
    const last = `the last ${K} ${this.tokens.unit}s`;
    const shown = `“${this.tokens.decode(padded(history, K)).replaceAll("\n", "⏎")}”`;
    this.status.dataset.seen = String(found === K);
    this.status.textContent = found === K
      ? `Seen: the context of ${last}, ${shown}, occurs in the training text.`
      : `Unseen: ${shown}, ${last}, never occurs in the training text; Kneser–Ney falls back `
        + `on the last ${found}, the network reads all ${this.pair.network.config.context}.`;
  }

  // A continuation of the context, drawn token by token and shown as it comes.
  async sample(key) {
    if (!this.pair) return;
    const run = (this.run ?? 0) + 1;
    this.run = run; // a newer sample stops this one
    const { tokens, lines } = this;
    const model = this.pair[key];
    const random = mulberry32(Number(this.seed.value) || 0);
    const temperature = Number(this.temperature.value);
    const ids = this.contextIds();
    this.sampled.textContent = "";
    this.element.dataset.sampling = "running";
    for (let i = 0; i < (tokens.kind === "words" ? 60 : 240); i++) {
      if (this.run !== run) return;
      const token = draw(model.logProbs(historyAt(ids, ids.length, lines)), temperature, random);
      this.sampled.textContent += tokens.decode([token], ids[ids.length - 1] ?? BOUNDARY_ID);
      ids.push(token);
      if (this.streamMs > 0) await new Promise((done) => setTimeout(done, this.streamMs));
    }
    this.element.dataset.sampling = "done";
  }
}

for (const element of document.querySelectorAll(".lm-panel[data-models]")) new Panel(element);
