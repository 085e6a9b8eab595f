// One page.evaluate that turns the live DOM into a plain JSON snapshot.
//
// Walks the document in order, entering open shadow roots and same-origin
// iframes, and returns raw facts only: which selector candidates are unique is
// checked here (where the DOM is), which one to use is decided in Python
// (selectors.py). Nothing on the page is modified.
(options) => {
  const MAX_TEXT = options.maxText || 300;
  const MAX_ROWS = options.maxRows || 200;
  const MAX_ITEMS = options.maxItems || 100;

  const SKIP_TAGS = new Set([
    "SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "HEAD", "META", "LINK", "TITLE", "BASE",
  ]);
  const INLINE_DISPLAYS = new Set(["inline", "inline-block", "inline-flex", "inline-grid", "contents"]);
  const CONTROL_TEXT_TAGS = new Set(["BUTTON", "SELECT", "TEXTAREA", "OPTION", "INPUT", "DATALIST"]);
  // Elements that are clickable only by their pointer cursor, and what they must not hold.
  const POINTER_TAGS = new Set(["SPAN", "DIV", "LI", "P", "I", "IMG", "svg", "TD", "STRONG", "B", "EM", "SMALL"]);
  const CONTROL_QUERY = "a[href],button,input,select,textarea,summary,[role=button],[role=link],[role=checkbox],[role=tab]";
  const INTERACTIVE_ROLES = new Set([
    "button", "link", "checkbox", "radio", "switch", "tab", "menuitem", "menuitemcheckbox",
    "menuitemradio", "option", "textbox", "searchbox", "combobox", "listbox", "slider",
    "spinbutton", "treeitem",
  ]);
  const INPUT_ROLES = {
    button: "button", submit: "button", reset: "button", image: "button", file: "button",
    checkbox: "checkbox", radio: "radio", range: "slider", number: "spinbutton",
    search: "searchbox",
  };
  const LIST_ITEM_TAGS = new Set(["LI", "ARTICLE", "DIV", "SECTION", "DT", "DD", "FIGURE", "TR"]);
  const REGION_BY_TAG = { NAV: "nav", HEADER: "header", FOOTER: "footer", MAIN: "main", ASIDE: "aside" };
  const REGION_BY_ROLE = {
    navigation: "nav", banner: "header", contentinfo: "footer", main: "main",
    complementary: "aside", dialog: "dialog", alertdialog: "dialog",
  };
  // Ids that frameworks generate (":r1:", "ember123", "input-8f3a9c") change between
  // page loads, so a selector built on them would not replay.
  const GENERATED_ID = /^[:\d]|:|\d{3,}|[0-9a-f]{8,}|^(ember|ext-gen|yui_|react-|mui-|radix-|headlessui-)/i;

  const norm = (s) => (s || "").replace(/\s+/g, " ").trim();
  const cap = (s, n) => (s.length > n ? s.slice(0, n - 1) + "…" : s);

  const out = {
    url: location.href,
    title: document.title || "",
    headings: [],
    texts: [],
    elements: [],
    tables: [],
    lists: [],
    forms: [],
    frames: [],
    dialog: null,
    viewport: [window.innerWidth, window.innerHeight],
  };

  // -- small helpers ------------------------------------------------------

  const cssEscape = (s) => CSS.escape(s);
  const attrValue = (s) => JSON.stringify(s);

  // Every open shadow root under a document scope, so uniqueness checks see what
  // Playwright's piercing CSS engine sees.
  const shadowRootsOf = new Map(); // scope document -> [ShadowRoot]

  function deepCount(doc, css) {
    let n = 0;
    try {
      n = doc.querySelectorAll(css).length;
      for (const sr of shadowRootsOf.get(doc) || []) n += sr.querySelectorAll(css).length;
    } catch (e) {
      return -1;
    }
    return n;
  }

  function textOf(el, depth) {
    // Name-from-content: text nodes, img alt, aria-label of children; skips hidden children.
    if (depth > 20) return "";
    let s = "";
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) s += c.nodeValue;
      else if (c.nodeType === 1) {
        if (SKIP_TAGS.has(c.tagName)) continue;
        const cs = getComputedStyle(c);
        if (cs.display === "none" || cs.visibility === "hidden") continue;
        const al = c.getAttribute("aria-label");
        if (al && al.trim()) s += " " + al + " ";
        else if (c.tagName === "IMG") s += " " + (c.getAttribute("alt") || "") + " ";
        else if (c.tagName === "INPUT" || c.tagName === "SELECT" || c.tagName === "TEXTAREA") s += " ";
        else {
          const inline = INLINE_DISPLAYS.has(cs.display);
          s += (inline ? "" : " ") + textOf(c, depth + 1) + (inline ? "" : " ");
        }
      }
    }
    if (el.shadowRoot) s += " " + textOf(el.shadowRoot, depth + 1);
    return s;
  }

  function byIds(el, attr) {
    const ids = (el.getAttribute(attr) || "").split(/\s+/).filter(Boolean);
    if (!ids.length) return null;
    const root = el.getRootNode();
    const found = ids.map((id) => root.getElementById ? root.getElementById(id) : null).filter(Boolean);
    return found.length ? found : null;
  }

  function labelsOf(el) {
    // Mirrors the order Playwright's label engine uses: aria-labelledby, aria-label, <label>.
    const refs = byIds(el, "aria-labelledby");
    if (refs) return refs.map((r) => norm(r.textContent));
    const al = el.getAttribute("aria-label");
    if (al && al.trim()) return [norm(al)];
    if (el.labels && el.labels.length) return Array.from(el.labels).map((l) => norm(textOf(l, 0)));
    return [];
  }

  function roleOf(el, tag) {
    const explicit = (el.getAttribute("role") || "").trim().split(/\s+/)[0];
    if (explicit && INTERACTIVE_ROLES.has(explicit)) return [explicit, true];
    switch (tag) {
      case "A":
      case "AREA":
        return el.hasAttribute("href") ? ["link", true] : [null, false];
      case "BUTTON":
        return ["button", true];
      case "INPUT": {
        const type = (el.type || "text").toLowerCase();
        if (type === "hidden") return [null, false];
        if (el.getAttribute("list") && ["text", "search", "email", "tel", "url"].includes(type)) return ["combobox", true];
        return [INPUT_ROLES[type] || "textbox", true];
      }
      case "SELECT":
        return [el.multiple || el.size > 1 ? "listbox" : "combobox", true];
      case "TEXTAREA":
        return ["textbox", true];
      case "SUMMARY":
        // Playwright gives <summary> no role, so a role selector would not find it.
        return ["button", false];
    }
    if (el.isContentEditable && el.hasAttribute("contenteditable")) return ["textbox", false];
    if (el.hasAttribute("onclick") || (el.getAttribute("tabindex") || "-1") !== "-1") {
      if (!explicit) return ["button", false];
    }
    return [null, false];
  }

  function accessibleName(el, tag, role) {
    const refs = byIds(el, "aria-labelledby");
    if (refs) return norm(refs.map((r) => textOf(r, 0)).join(" "));
    const al = el.getAttribute("aria-label");
    if (al && al.trim()) return norm(al);
    if (tag === "INPUT") {
      const type = (el.type || "").toLowerCase();
      if (type === "submit" || type === "reset" || type === "button") {
        return norm(el.value || (type === "submit" ? "Submit" : type === "reset" ? "Reset" : ""));
      }
      if (type === "image") return norm(el.getAttribute("alt") || el.value || "Submit");
    }
    if (["INPUT", "SELECT", "TEXTAREA"].includes(tag)) {
      if (el.labels && el.labels.length) return norm(Array.from(el.labels).map((l) => textOf(l, 0)).join(" "));
      return norm(el.getAttribute("title") || el.getAttribute("placeholder") || "");
    }
    const text = norm(textOf(el, 0));
    if (text) return text;
    return norm(el.getAttribute("title") || "");
  }

  function pathSegment(el) {
    const tag = el.tagName.toLowerCase();
    const parent = el.parentNode;
    if (!parent || !parent.children) return tag;
    let same = 0;
    let pos = 0;
    for (const sib of parent.children) {
      if (sib.tagName === el.tagName) {
        same += 1;
        if (sib === el) pos = same;
      }
    }
    return same > 1 ? `${tag}:nth-of-type(${pos})` : tag;
  }

  function usableId(el, doc) {
    const id = el.getAttribute("id");
    if (!id || GENERATED_ID.test(id)) return null;
    return deepCount(doc, `#${cssEscape(id)}`) === 1 ? `#${cssEscape(id)}` : null;
  }

  // A CSS path from the element up to its root (document or shadow root), anchored
  // at the nearest ancestor with a unique, hand-written id.
  function cssPath(el, doc) {
    const parts = [];
    let node = el;
    while (node && node.nodeType === 1) {
      if (node !== el || parts.length === 0) {
        const anchor = node.getRootNode() === doc ? usableId(node, doc) : null;
        if (anchor) {
          parts.unshift(anchor);
          return parts.join(" > ");
        }
      }
      parts.unshift(pathSegment(node));
      if (node.parentNode && node.parentNode.nodeType === 11) break; // top of a shadow root
      node = node.parentElement;
    }
    return parts.join(" > ");
  }

  // -- per-document scope -------------------------------------------------

  function collectShadowRoots(doc) {
    const roots = [];
    const stack = [doc];
    while (stack.length) {
      const root = stack.pop();
      const all = root.querySelectorAll("*");
      for (const el of all) {
        if (el.shadowRoot) {
          roots.push(el.shadowRoot);
          stack.push(el.shadowRoot);
        }
      }
    }
    shadowRootsOf.set(doc, roots);
  }

  // Elements of one scope (a document and its shadow roots), with their labels and
  // roles, so role/label selector uniqueness is judged per frame.
  const scopes = new Map(); // doc -> {roleNames: Map, labels: Map}
  function scopeOf(doc) {
    let s = scopes.get(doc);
    if (!s) {
      s = { roleNames: new Map(), labels: new Map() };
      scopes.set(doc, s);
    }
    return s;
  }
  const bump = (map, key) => map.set(key, (map.get(key) || 0) + 1);

  const raw = []; // interactive elements, document order
  const frameInfo = new Map(); // iframe element -> frame number
  const formIndex = new Map(); // form element -> position in out.forms
  const listItems = new Map(); // item element -> {title, list, pos}

  function regionOf(el, inherited) {
    const role = el.getAttribute("role");
    if (role && REGION_BY_ROLE[role]) return REGION_BY_ROLE[role];
    if (el.tagName === "DIALOG") return "dialog";
    return REGION_BY_TAG[el.tagName] || inherited;
  }

  function addText(text, ctx) {
    const t = norm(text);
    if (!t) return;
    const last = out.texts[out.texts.length - 1];
    if (last === t) return;
    out.texts.push(cap(t, MAX_TEXT));
  }

  // Text of a block: its own text nodes and inline descendants, but not nested
  // blocks (they speak for themselves) nor the text of form controls.
  // Returns [text, text without links]: a block made only of links (a menu) repeats
  // what the elements already say and is left out.
  function blockText(el, depth) {
    let s = "";
    let own = "";
    for (let c = el.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) {
        s += c.nodeValue;
        own += c.nodeValue;
      } else if (c.nodeType === 1) {
        if (SKIP_TAGS.has(c.tagName) || CONTROL_TEXT_TAGS.has(c.tagName)) continue;
        if (/^H[1-6]$/.test(c.tagName) || c.tagName === "TABLE" || c.tagName === "LABEL") continue;
        const role = c.getAttribute("role");
        if (role === "button" || role === "heading") continue;
        const cs = getComputedStyle(c);
        if (cs.display === "none") continue;
        if (!INLINE_DISPLAYS.has(cs.display) || depth > 10) continue;
        if (cs.visibility === "hidden") continue;
        if (c.tagName === "BR") {
          s += " ";
          continue;
        }
        const [inner, innerOwn] = blockText(c, depth + 1);
        s += inner;
        if (!(c.tagName === "A" && c.hasAttribute("href"))) own += innerOwn;
      }
    }
    return [s, own];
  }

  function detectList(el, doc) {
    if (el.tagName === "TABLE" || el.tagName === "TBODY" || el.tagName === "THEAD" || el.tagName === "SELECT") return;
    const groups = new Map();
    for (const child of el.children) {
      if (!LIST_ITEM_TAGS.has(child.tagName) || child.tagName === "TR") continue;
      // Tag and first class: "todo" and "todo completed" are the same kind of item.
      const sig = child.tagName + "." + (child.classList[0] || "");
      if (!groups.has(sig)) groups.set(sig, []);
      groups.get(sig).push(child);
    }
    for (const [sig, members] of groups) {
      const tag = members[0].tagName;
      // A <ul> under its own heading is a list even with one item ("Done: Fix bike"),
      // so that "how many under Done?" counts it rather than the list beside it.
      const titled = tag === "LI" && (el.tagName === "UL" || el.tagName === "OL") &&
        (labelsOf(el).length > 0 || lastHeading);
      const min = titled ? 1 : tag === "LI" || tag === "ARTICLE" ? 2 : 3;
      if (members.length < min) continue;
      const visible = members.filter((m) => {
        const r = m.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && norm(m.textContent);
      });
      if (visible.length < min) continue;
      // A list of bare links (a menu) or of one-word cells says little; keep lists
      // whose items carry some structure or text.
      const base = cssPath(el, doc);
      const cls = members[0].classList.length ? "." + cssEscape(members[0].classList[0]) : "";
      const itemSel = `${base} > ${tag.toLowerCase()}${cls}`;
      let count = -1;
      try {
        count = (el.getRootNode() === doc ? doc : el.getRootNode()).querySelectorAll(itemSel).length;
      } catch (e) {}
      const items = [];
      for (const [pos, m] of visible.slice(0, MAX_ITEMS).entries()) {
        const item = describeItem(m);
        listItems.set(m, { title: item.title || cap(item.text, 60), list: out.lists.length, pos });
        items.push(item);
      }
      const named = labelsOf(el);
      out.lists.push({
        selector: count === members.length ? itemSel : null,
        // What the list is called: its own label, else the heading before it ("Done").
        label: named.length ? cap(named[0], 120) : lastHeading,
        items,
        total: visible.length,
        frame: currentFrame,
        root: el,
      });
    }
  }

  function fieldKey(node) {
    const explicit = node.getAttribute("data-field") || node.getAttribute("itemprop") || node.getAttribute("data-testid");
    if (explicit) return explicit;
    for (const c of node.classList) {
      if (!/^(col|row|flex|grid|p|m|px|py|mx|my|mt|mb|text|font|d|w|h)(-|$)/.test(c)) return c;
    }
    // A <time> that holds a calendar day is the item's date; one with a clock, its time.
    if (node.tagName === "TIME") {
      const when = node.getAttribute("datetime") || node.textContent || "";
      return /^\d{4}-\d{2}(-\d{2})?$/.test(when.trim()) || !/\d:\d\d/.test(when) ? "date" : "time";
    }
    return node.tagName.toLowerCase();
  }

  function describeItem(item) {
    const fields = {};
    const heading = item.querySelector("h1,h2,h3,h4,h5,h6,[role=heading]");
    const link = item.querySelector("a[href]");
    const strong = item.querySelector("strong,b");
    const titleNode = heading || link || strong;
    const walker = document.createTreeWalker(item, NodeFilter.SHOW_ELEMENT);
    let n = 0;
    for (let node = walker.nextNode(); node && n < 40; node = walker.nextNode()) {
      if (SKIP_TAGS.has(node.tagName) || CONTROL_TEXT_TAGS.has(node.tagName)) continue;
      // Leaves, and elements with text of their own ("★ 4.5 <span>(312)</span>").
      const hasElementChildWithText = Array.from(node.children).some((c) => norm(c.textContent));
      const ownText = Array.from(node.childNodes).some((c) => c.nodeType === 3 && c.nodeValue.trim());
      if (hasElementChildWithText && !ownText) continue;
      const value = norm(node.textContent);
      if (!value) continue;
      n += 1;
      const key = fieldKey(node);
      if (!(key in fields) && key !== "text" && key !== "title") fields[key] = cap(value, 200);
      // A day written without its year ("Thu, Dec 3") keeps the machine date to compare by.
      const iso = node.tagName === "TIME" ? (node.getAttribute("datetime") || "").trim() : "";
      if (/^\d{4}-\d{2}-\d{2}/.test(iso) && !/\b\d{4}\b/.test(value) && !("datetime" in fields)) {
        fields.datetime = iso;
      }
    }
    const result = {};
    if (titleNode) result.title = cap(norm(titleNode.textContent), 200);
    else if (Object.keys(fields).length) result.title = Object.values(fields)[0];
    for (const [key, value] of Object.entries(fields)) {
      if (value !== result.title) result[key] = value;
    }
    if (link) result.href = link.href;
    result.text = cap(norm(item.innerText || item.textContent), MAX_TEXT);
    return result;
  }

  function tableOf(table, doc) {
    const rowsOf = (t) => {
      const rows = [];
      for (const part of [t.tHead, ...t.tBodies, t.tFoot]) {
        if (part) rows.push(...part.rows);
      }
      if (!rows.length) rows.push(...t.rows);
      return rows;
    };
    const rows = rowsOf(table);
    let headers = [];
    let body = rows;
    if (table.tHead && table.tHead.rows.length) {
      headers = Array.from(table.tHead.rows[0].cells).map((c) => norm(c.innerText || c.textContent));
      body = rows.filter((r) => r.parentNode !== table.tHead);
    } else if (rows.length && Array.from(rows[0].cells).every((c) => c.tagName === "TH")) {
      headers = Array.from(rows[0].cells).map((c) => norm(c.innerText || c.textContent));
      body = rows.slice(1);
    }
    const visibleRows = body.filter((r) => getComputedStyle(r).display !== "none");
    return {
      selector: cssPath(table, doc),
      caption: table.caption ? norm(table.caption.textContent) : null,
      headers,
      rows: visibleRows.slice(0, MAX_ROWS).map((r) =>
        Array.from(r.cells).map((c) => cap(norm(c.innerText || c.textContent), 200)),
      ),
      total_rows: visibleRows.length,
      frame: currentFrame,
    };
  }

  // A definition list as "term | definition" rows (a <div> may wrap each pair).
  function definitionRows(dl) {
    const rows = [];
    const cells = dl.querySelectorAll(":scope > dt, :scope > dd, :scope > div > dt, :scope > div > dd");
    for (const cell of cells) {
      if (getComputedStyle(cell).display === "none") continue;
      const text = cap(norm(cell.innerText || cell.textContent), 200);
      if (cell.tagName === "DT") rows.push([text, ""]);
      else if (rows.length) {
        const row = rows[rows.length - 1];
        row[1] = row[1] ? row[1] + "; " + text : text;
      }
    }
    return rows.filter((row) => row[0] && row[1]);
  }

  // The name of the group a control sits in: a fieldset's legend, or an ARIA group's label.
  function groupLabelOf(el) {
    for (let node = el.parentElement; node; node = node.parentElement) {
      if (node.tagName === "FIELDSET") {
        const legend = Array.from(node.children).find((c) => c.tagName === "LEGEND");
        const text = legend ? norm(legend.textContent) : "";
        if (text) return cap(text, 120);
      }
      const role = node.getAttribute("role");
      if (role === "radiogroup" || role === "group") {
        const named = byIds(node, "aria-labelledby");
        const text = norm(node.getAttribute("aria-label") || (named ? named.map((n) => n.textContent).join(" ") : ""));
        if (text) return cap(text, 120);
      }
      if (node.tagName === "FORM" || node.tagName === "BODY") break;
    }
    return null;
  }

  function ariaTableOf(el, doc) {
    const rows = Array.from(el.querySelectorAll("[role=row]"));
    const cellsOf = (r) => Array.from(r.querySelectorAll("[role=cell],[role=gridcell],[role=columnheader],[role=rowheader]"));
    let headers = [];
    let body = rows;
    if (rows.length && cellsOf(rows[0]).every((c) => c.getAttribute("role") === "columnheader")) {
      headers = cellsOf(rows[0]).map((c) => norm(c.textContent));
      body = rows.slice(1);
    }
    return {
      selector: cssPath(el, doc),
      caption: el.getAttribute("aria-label") || null,
      headers,
      rows: body.slice(0, MAX_ROWS).map((r) => cellsOf(r).map((c) => cap(norm(c.textContent), 200))),
      total_rows: body.length,
      frame: currentFrame,
    };
  }

  let currentFrame = null;
  let lastHeading = null;
  const modal = openModal();

  function openModal() {
    let found = null;
    try {
      found = document.querySelector("dialog:modal");
    } catch (e) {}
    if (found) return found;
    for (const el of document.querySelectorAll('[aria-modal="true"]')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== "hidden") return el;
    }
    return null;
  }

  function elementState(el, tag, role) {
    const st = {};
    if (tag === "INPUT" || tag === "TEXTAREA") {
      const type = (el.type || "").toLowerCase();
      if (type === "checkbox" || type === "radio") st.checked = !!el.checked;
      else if (type === "password") st.value = el.value ? "••••" : "";
      else if (!["submit", "reset", "button", "image", "file"].includes(type)) st.value = el.value;
      else if (type === "file") st.value = Array.from(el.files || []).map((f) => f.name).join(", ");
    } else if (tag === "SELECT") {
      const chosen = Array.from(el.selectedOptions).map((o) => norm(o.label || o.textContent));
      st.value = chosen.join(", ");
      st.options = Array.from(el.options).slice(0, 100).map((o) => norm(o.label || o.textContent));
    } else if (el.isContentEditable) {
      st.value = norm(el.innerText);
    } else if (["spinbutton", "slider", "progressbar", "meter"].includes(role)) {
      // A custom spinner or slider says its value in ARIA only.
      const now = el.getAttribute("aria-valuetext") || el.getAttribute("aria-valuenow");
      if (now !== null) st.value = norm(now);
    }
    const ariaChecked = el.getAttribute("aria-checked");
    if (ariaChecked !== null && st.checked === undefined) st.checked = ariaChecked === "true";
    const ariaSelected = el.getAttribute("aria-selected");
    if (ariaSelected !== null) st.selected = ariaSelected === "true";
    const ariaPressed = el.getAttribute("aria-pressed");
    if (ariaPressed !== null && st.checked === undefined) st.checked = ariaPressed === "true";
    const ariaExpanded = el.getAttribute("aria-expanded");
    if (ariaExpanded !== null) st.expanded = ariaExpanded === "true";
    if (tag === "SUMMARY" && el.parentElement && el.parentElement.tagName === "DETAILS") {
      st.expanded = el.parentElement.open;
    }
    return st;
  }

  function visit(el, ctx) {
    const tag = el.tagName;
    if (SKIP_TAGS.has(tag)) return;
    const cs = getComputedStyle(el);
    if (cs.display === "none") return;
    const hidden = cs.visibility === "hidden" || cs.visibility === "collapse";
    const transparent = ctx.transparent || cs.opacity === "0";
    const region = regionOf(el, ctx.region);
    const doc = ctx.doc;
    let rect = null;
    const box = () => rect || (rect = el.getBoundingClientRect());

    if (/^H[1-6]$/.test(tag) || el.getAttribute("role") === "heading") {
      const text = norm(textOf(el, 0));
      if (text && !hidden && box().height > 0) {
        out.headings.push(cap(text, 200));
        lastHeading = cap(text, 120);
      }
    }

    if (!hidden && !out.dialog && region === "dialog" && ctx.region !== "dialog") {
      if (tag !== "DIALOG" || el.open) {
        const r = box();
        if (r.width > 0 && r.height > 0) out.dialog = cap(norm(el.innerText), 500);
      }
    }

    let [role, roleSelectable] = roleOf(el, tag);
    // cursor is inherited: only the top of a pointer subtree is the thing to click.
    const pointer = cs.cursor === "pointer";
    if (!role && pointer && !ctx.pointer && POINTER_TAGS.has(tag) && !el.querySelector(CONTROL_QUERY)) {
      // A span or div with a pointer cursor (and, as a rule, a click handler) is
      // clicked like the link or button it looks like.
      role = /underline/.test(cs.textDecorationLine || "") ? "link" : "button";
    }
    // Behind an open modal nothing receives a click: such controls are not offered.
    const blocked = modal !== null && doc === document && !modal.contains(el);
    if (role && !hidden && !ctx.inControl && !blocked) {
      const r = box();
      const name = accessibleName(el, tag, role);
      const labels = labelsOf(el);
      const state = elementState(el, tag, role);
      const sc = scopeOf(doc);
      if (roleSelectable) bump(sc.roleNames, role + "\u0000" + name);
      for (const l of new Set(labels)) bump(sc.labels, l);
      const visible = r.width > 0 && r.height > 0 && !transparent;
      let text = null;
      if (!["INPUT", "SELECT", "TEXTAREA"].includes(tag)) {
        const t = cap(norm(el.innerText || el.textContent), 200);
        if (t && t !== name) text = t;
      }
      raw.push({
        el,
        doc,
        frame: currentFrame,
        role,
        roleSelectable,
        name: cap(name, 200),
        fullName: name,
        labels,
        tag: tag.toLowerCase(),
        type: tag === "INPUT" ? (el.type || "text").toLowerCase() : null,
        placeholder: el.getAttribute("placeholder"),
        text,
        state,
        disabled: !!el.disabled || el.getAttribute("aria-disabled") === "true" || !!ctx.disabledFieldset,
        visible,
        box: [
          Math.round(r.x + ctx.offsetX + ctx.win.scrollX),
          Math.round(r.y + ctx.offsetY + ctx.win.scrollY),
          Math.round(r.width),
          Math.round(r.height),
        ],
        href: tag === "A" && el.hasAttribute("href") ? el.href : null,
        region,
        heading: lastHeading,
        form: el.form || (tag === "FORM" ? null : el.closest("form")),
      });
    }

    if (tag === "FORM" && !hidden) {
      formIndex.set(el, out.forms.length);
      out.forms.push({
        selector: cssPath(el, doc),
        name: el.getAttribute("name") || el.getAttribute("id") || el.getAttribute("aria-label") || null,
        action: el.getAttribute("action") ? el.action : null,
        method: (el.getAttribute("method") || "get").toLowerCase(),
        frame: currentFrame,
      });
    }

    if (tag === "TABLE" && !hidden) {
      out.tables.push(tableOf(el, doc));
    } else if ((el.getAttribute("role") === "table" || el.getAttribute("role") === "grid") && !hidden) {
      out.tables.push(ariaTableOf(el, doc));
    }

    if (tag === "DL" && !hidden && !ctx.inTable) {
      const pairs = definitionRows(el);
      if (pairs.length) {
        out.tables.push({
          selector: cssPath(el, doc),
          caption: null,
          headers: [],
          rows: pairs.slice(0, MAX_ROWS),
          total_rows: pairs.length,
          frame: currentFrame,
        });
      }
    }

    if ((el.children.length >= 2 || tag === "UL" || tag === "OL") && !ctx.inTable && !ctx.inDl && tag !== "DL") detectList(el, doc);

    // Labels are already the elements' labels; repeating them as text adds noise.
    if (!hidden && !role && tag !== "LABEL" && !ctx.inTable && !ctx.inControl && !transparent && !INLINE_DISPLAYS.has(cs.display) && !/^H[1-6]$/.test(tag)) {
      const [t, own] = blockText(el, 0);
      if (norm(own)) {
        const r = box();
        if (r.width > 0 && r.height > 0) addText(t, ctx);
      }
    }

    if (tag === "IFRAME" || tag === "FRAME") {
      let inner = null;
      try {
        inner = el.contentDocument;
      } catch (e) {
        inner = null;
      }
      const r = box();
      const number = out.frames.length;
      out.frames.push({
        parent: currentFrame,
        fp: fingerprint(el, "iframe", doc),
        same_origin: !!(inner && inner.body),
        src: el.src || null,
      });
      if (inner && inner.body) {
        const saved = currentFrame;
        currentFrame = number;
        collectShadowRoots(inner);
        visit(inner.body, {
          doc: inner,
          win: inner.defaultView,
          offsetX: ctx.offsetX + r.x + el.clientLeft + ctx.win.scrollX,
          offsetY: ctx.offsetY + r.y + el.clientTop + ctx.win.scrollY,
          region: ctx.region,
          transparent,
          inTable: false,
          inControl: false,
        });
        currentFrame = saved;
      }
      return;
    }

    const childCtx = {
      ...ctx,
      region,
      transparent,
      inTable: ctx.inTable || tag === "TABLE" || el.getAttribute("role") === "table" || el.getAttribute("role") === "grid",
      inControl: ctx.inControl || tag === "SELECT" || tag === "BUTTON" || tag === "TEXTAREA" || (role && ["link", "button"].includes(role) && !!roleSelectable && tag !== "A" && tag !== "BUTTON"),
      disabledFieldset: ctx.disabledFieldset || (tag === "FIELDSET" && el.disabled),
      inDl: ctx.inDl || tag === "DL",
      pointer,
    };
    if (el.shadowRoot) {
      for (const c of el.shadowRoot.children) visit(c, childCtx);
    }
    for (const c of el.children) visit(c, childCtx);
  }

  // Facts from which Python picks the selector: identifying attributes and, for
  // each candidate, whether it matches exactly one element in its frame.
  function fingerprint(el, role, doc) {
    const id = el.getAttribute("id");
    const testId = el.getAttribute("data-testid") || el.getAttribute("data-test-id") || el.getAttribute("data-test");
    const testAttr = el.hasAttribute("data-testid") ? "data-testid" : el.hasAttribute("data-test-id") ? "data-test-id" : "data-test";
    const name = el.getAttribute("name");
    const tag = el.tagName.toLowerCase();
    const fp = {
      tag,
      id: id || null,
      id_unique: !!id && deepCount(doc, `#${cssEscape(id)}`) === 1,
      test_id: testId || null,
      test_attr: testId ? testAttr : null,
      test_id_unique: !!testId && deepCount(doc, `[${testAttr}=${attrValue(testId)}]`) === 1,
      name: name || null,
      name_unique: !!name && deepCount(doc, `${tag}[name=${attrValue(name)}]`) === 1,
      value: null,
      name_value_unique: false,
      title: el.getAttribute("title") || null,
      title_unique: false,
      aria_label: el.getAttribute("aria-label") || null,
      css_path: null,
      shadow_host: null,
    };
    if (name && el.tagName === "INPUT" && ["radio", "checkbox"].includes(el.type)) {
      fp.value = el.getAttribute("value");
      if (fp.value !== null) {
        fp.name_value_unique = deepCount(doc, `input[name=${attrValue(name)}][value=${attrValue(fp.value)}]`) === 1;
      }
    }
    if (fp.title) fp.title_unique = deepCount(doc, `${tag}[title=${attrValue(fp.title)}]`) === 1;
    const root = el.getRootNode();
    if (root !== doc && root.host) {
      // Inside a shadow root: address the host, then the path inside it.
      const host = root.host;
      fp.shadow_host = fingerprint(host, null, doc);
      fp.css_path = cssPath(el, doc);
      let count = -1;
      try {
        count = host.querySelectorAll(fp.css_path).length + root.querySelectorAll(fp.css_path).length;
      } catch (e) {}
      fp.css_path_unique = count === 1;
    } else {
      fp.css_path = cssPath(el, doc);
      fp.css_path_unique = deepCount(doc, fp.css_path) === 1;
    }
    return fp;
  }

  // -- walk ---------------------------------------------------------------

  collectShadowRoots(document);
  if (document.body) {
    visit(document.body, {
      doc: document, win: window, offsetX: 0, offsetY: 0, region: null,
      transparent: false, inTable: false, inControl: false, disabledFieldset: false,
    });
  }

  // For elements that nothing on their own identifies (the fifth "Add to cart"),
  // a selector scoped to an identifiable ancestor: a card with a unique id or
  // data-* attribute, or one that contains an element with a unique id.
  function anchorOf(node, doc) {
    const tag = node.tagName.toLowerCase();
    const id = usableId(node, doc);
    if (id) return id;
    for (const attr of node.attributes) {
      if (!attr.name.startsWith("data-") || !attr.value || attr.value.length > 60) continue;
      const sel = `${tag}[${attr.name}=${attrValue(attr.value)}]`;
      if (deepCount(doc, sel) === 1) return sel;
    }
    const inner = node.querySelector("[id]");
    if (inner) {
      const innerId = usableId(inner, doc);
      if (innerId) {
        const sel = `${tag}:has(${innerId})`;
        if (deepCount(doc, sel) === 1) return sel;
      }
    }
    return null;
  }

  function scopedSelector(r, fp) {
    let node = r.el.parentElement;
    for (let depth = 0; node && depth < 6; depth += 1, node = node.parentElement) {
      if (node === r.doc.body) return null;
      const anchor = anchorOf(node, r.doc);
      if (!anchor) continue;
      if (fp.role && r.fullName) {
        let same = 0;
        for (const other of raw) {
          if (other.roleSelectable && other.role === r.role && other.fullName === r.fullName && node.contains(other.el)) same += 1;
        }
        if (same === 1) return `${anchor} >> role=${r.role}[name=${attrValue(r.fullName)}s]`;
      }
      const parts = [];
      for (let n = r.el; n && n !== node; n = n.parentElement) parts.unshift(pathSegment(n));
      const rel = parts.join(" > ");
      try {
        if (node.querySelectorAll(rel).length === 1) return `${anchor} >> ${rel}`;
      } catch (e) {}
      return null;
    }
    return null;
  }

  for (const r of raw) {
    const sc = scopeOf(r.doc);
    const fp = fingerprint(r.el, r.role, r.doc);
    fp.role = r.roleSelectable ? r.role : null;
    fp.role_name = r.fullName;
    fp.role_unique = r.roleSelectable && !!r.fullName && sc.roleNames.get(r.role + "\u0000" + r.fullName) === 1;
    fp.label = r.labels.length ? r.labels[0] : null;
    // Playwright's label engine also matches any element carrying the same aria-label.
    let labelCount = fp.label ? sc.labels.get(fp.label) || 0 : 0;
    if (fp.label && !r.el.hasAttribute("aria-label")) {
      labelCount += deepCount(r.doc, `[aria-label=${attrValue(fp.label)}]`);
    }
    fp.label_unique = !!fp.label && labelCount === 1;
    const identified = (fp.id_unique && !GENERATED_ID.test(fp.id)) || fp.test_id_unique || fp.role_unique ||
      fp.label_unique || fp.name_unique || fp.name_value_unique || fp.title_unique;
    fp.scoped = !identified && !fp.shadow_host ? scopedSelector(r, fp) : null;
    let context = null;
    let item = null;
    for (let node = r.el.parentElement; node; node = node.parentElement) {
      if (listItems.has(node)) {
        const entry = listItems.get(node);
        context = entry.title;
        item = [entry.list, entry.pos];
        break;
      }
    }
    const formNo = r.form && formIndex.has(r.form) ? formIndex.get(r.form) : null;
    out.elements.push({
      role: r.role,
      name: r.name,
      tag: r.tag,
      type: r.type,
      label: fp.label ? cap(fp.label, 200) : null,
      placeholder: r.placeholder,
      text: r.text,
      value: r.state.value === undefined ? null : cap(r.state.value, 500),
      checked: r.state.checked === undefined ? null : r.state.checked,
      selected: r.state.selected === undefined ? null : r.state.selected,
      expanded: r.state.expanded === undefined ? null : r.state.expanded,
      disabled: r.disabled,
      visible: r.visible,
      options: r.state.options || null,
      href: r.href,
      box: r.box,
      context: context || groupLabelOf(r.el) || r.heading,
      item,
      region: r.region,
      form: formNo,
      frame: r.frame,
      fp,
    });
  }
  for (const f of out.forms) delete f.el;
  for (const l of out.lists) delete l.root;
  return out;
}
