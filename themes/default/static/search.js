// volsite search page: Pagefind's own search API with a plain, labelled form.
// Pagefind (extended) segments Chinese; the index covers only what the
// templates mark with data-pagefind-body.
const form = document.querySelector(".search-form");
const input = form.querySelector("#q");
const status = document.querySelector(".search-status");
const list = document.querySelector(".search-results");
const filterBox = form.querySelector(".search-filters");
const base = form.dataset.base;
const say = (template, values) => template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
const PAGE = 10;

let pagefind;
let shown = PAGE;
let lastResults = [];
let serial = 0;

// A large site's index comes in parts (made side by side, one per core); parts.json
// names those to merge into the first. An index without it has one part.
async function indexParts() {
  try {
    const reply = await fetch(base + "pagefind/parts.json");
    return reply.ok ? (await reply.json()).parts || [] : [];
  } catch {
    return [];
  }
}

// A part that is not on the server (an upload still under way) is left out: once merged,
// a part that cannot load makes every search fail.
async function present(part) {
  try {
    return (await fetch(base + "pagefind/" + part + "pagefind-entry.json")).ok;
  } catch {
    return false;
  }
}

async function start() {
  const [module, parts] = await Promise.all([import(base + "pagefind/pagefind.js"), indexParts()]);
  pagefind = module;
  await pagefind.options({ baseUrl: base });
  await pagefind.init();
  const found = await Promise.all(parts.map(present));
  for (const [index, part] of parts.entries()) {
    if (found[index]) await pagefind.mergeIndex(base + "pagefind/" + part, { baseUrl: base });
  }
  const filters = await pagefind.filters();
  const names = { [form.dataset.kind]: "kind", [form.dataset.year]: "year", [form.dataset.team]: "team" };
  for (const [name, values] of Object.entries(filters)) {
    const id = "filter-" + (names[name] || Object.keys(filters).indexOf(name));
    const label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = name;
    const select = document.createElement("select");
    select.id = id;
    select.dataset.filter = name;
    select.add(new Option(form.dataset.all, ""));
    for (const value of Object.keys(values).sort().reverse()) select.add(new Option(value, value));
    select.addEventListener("change", () => run());
    const group = document.createElement("span");
    group.append(label, select);
    filterBox.append(group);
  }
  filterBox.hidden = false;
  const query = new URLSearchParams(location.search).get("q");
  if (query) { input.value = query; run(); }
}

function chosenFilters() {
  const chosen = {};
  for (const select of filterBox.querySelectorAll("select")) {
    if (select.value) chosen[select.dataset.filter] = select.value;
  }
  return chosen;
}

async function run() {
  const query = input.value.trim();
  const mine = ++serial;
  const filters = chosenFilters();
  history.replaceState(null, "", query ? "?q=" + encodeURIComponent(query) : location.pathname);
  if (!query && !Object.keys(filters).length) { status.textContent = ""; list.replaceChildren(); return; }
  await ready; // words typed while the parts still load are looked up in all of them
  const search = await pagefind.search(query || null, { filters });
  if (mine !== serial) return; // a newer search has started
  lastResults = search.results;
  shown = PAGE;
  await render(query);
}

async function render(query) {
  const mine = serial;
  const data = await Promise.all(lastResults.slice(0, shown).map((r) => r.data()));
  if (mine !== serial) return;
  status.textContent = lastResults.length
    ? say(form.dataset.found, { n: lastResults.length, q: query })
    : say(form.dataset.none, { q: query });
  list.replaceChildren(...data.map((item) => {
    const li = document.createElement("li");
    const link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.meta.title || item.url;
    const kind = item.filters?.[form.dataset.kind]?.[0];
    const heading = document.createElement("h2");
    heading.append(link);
    if (kind) {
      const tag = document.createElement("span");
      tag.className = "tag";
      tag.textContent = kind;
      heading.append(" ", tag);
    }
    const excerpt = document.createElement("p");
    excerpt.append(...marked(item.excerpt));
    li.append(heading, excerpt);
    return li;
  }));
  if (lastResults.length > shown) {
    const li = document.createElement("li");
    const more = document.createElement("button");
    more.type = "button";
    more.textContent = form.dataset.more;
    more.addEventListener("click", () => { shown += PAGE; render(query); });
    li.append(more);
    list.append(li);
  }
}

// Pagefind's excerpt is escaped text with <mark> around the matches. Keep exactly that and
// nothing else, whatever a future Pagefind returns: parsed in an inert document, where
// nothing loads or runs, then rebuilt from text and <mark> only.
function marked(excerpt) {
  const inert = new DOMParser().parseFromString(`<p>${excerpt}</p>`, "text/html").body.firstChild;
  return Array.from(inert.childNodes).map((node) => {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      return mark;
    }
    return document.createTextNode(node.textContent);
  });
}

let timer;
input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(run, 250); });
form.addEventListener("submit", (event) => { event.preventDefault(); run(); });
const ready = start();
