// Progressive enhancement only: every page works without JavaScript.
// In a fieldset whose picker says "new", show the fields for the new row; hide them otherwise.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("fieldset").forEach((fieldset) => {
    const picker = fieldset.querySelector("[data-picker], select");
    const extra = fieldset.querySelectorAll(".when-new");
    if (!picker || extra.length === 0) return;
    const sync = () => extra.forEach((block) => {
      block.hidden = picker.value.trim().toLowerCase() !== "new";
    });
    picker.addEventListener("change", sync);
    picker.addEventListener("input", sync);
    sync();
  });
  // Pickers search as you type (the registry's search, /api/v1/search): the matches
  // are offered in a list; without JavaScript the text is matched when the form is saved.
  document.querySelectorAll("input[data-picker]").forEach((input) => {
    const kind = input.dataset.picker;
    const list = document.createElement("datalist");
    list.id = `${input.id}-options`;
    input.after(list);
    input.setAttribute("list", list.id);
    let timer = null;
    input.addEventListener("input", () => {
      clearTimeout(timer);
      const text = input.value.trim();
      if (text.length < 2 || text.toLowerCase() === "new" || text.startsWith("#")) return;
      timer = setTimeout(async () => {
        try {
          const url = `/api/v1/search?kind=${kind}&per_page=8&q=${encodeURIComponent(text)}`;
          const answer = await (await fetch(url, { headers: { Accept: "application/json" } })).json();
          const items = (answer.groups || []).flatMap((group) => group.items || []);
          list.replaceChildren(...items.map((item) => {
            const option = document.createElement("option");
            option.value = kind === "source" ? `#${item.id} ${item.title}` : item.slug;
            option.label = item.title;
            return option;
          }));
        } catch (error) {
          list.replaceChildren();  // the text is still matched on saving
        }
      }, 200);
    });
  });
});

// Under a probability field, say how the typed value will be read, as the server reads it
// (forecasts.validation.parse_probability): "5" and "0.05" are 5%; a bare 1 is refused.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-probability]").forEach((input) => {
    const output = document.createElement("output");
    output.className = "reads-as";
    output.id = `${input.id}-reads-as`;
    output.setAttribute("for", input.id);
    output.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", output);
    input.setAttribute(
      "aria-describedby",
      `${input.getAttribute("aria-describedby") || ""} ${output.id}`.trim(),
    );
    const show = () => {
      const text = input.value.trim();
      const percent = text.endsWith("%");
      const body = percent ? text.slice(0, -1).trim() : text;
      const number = body === "" || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(body) ? NaN : Number(body);
      output.classList.remove("refused");
      if (text === "") {
        output.textContent = "";
      } else if (Number.isNaN(number)) {
        output.textContent = "Not a number: write 0.05, 5% or 5.";
        output.classList.add("refused");
      } else if (!percent && number === 1) {
        output.textContent = "1 alone could mean 100% or 1%: write 100% or 1%.";
        output.classList.add("refused");
      } else {
        const value = percent || number > 1 ? number : number * 100;
        if (value < 0 || value > 100) {
          output.textContent = "Out of range: a probability is from 0% to 100%.";
          output.classList.add("refused");
        } else {
          output.textContent = `Read as ${Number(value.toPrecision(4))}%.`;
        }
      }
    };
    input.addEventListener("input", show);
    show();
  });
});

// On a narrow screen the navigation folds behind a "Menu" button (CSS decides when);
// without JavaScript it is always shown.
document.addEventListener("DOMContentLoaded", () => {
  const toggle = document.querySelector("header.site .menu-toggle");
  if (!toggle) return;
  const header = toggle.closest("header");
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = header.classList.toggle("open");
    toggle.setAttribute("aria-expanded", String(open));
  });
});

// On a narrow screen a box of filters nobody has set starts folded, so the first screen
// shows the results; it opens with one tap, and is open wherever a filter is in use.
document.addEventListener("DOMContentLoaded", () => {
  if (!window.matchMedia("(max-width: 40rem)").matches) return;
  document.querySelectorAll("details[data-fold-narrow=yes]").forEach((box) => { box.open = false; });
});

// The hedge phrase read on the chosen scale, as the server will read it (the same code as
// `forecasts scale map`, asked for at /scales/read): shown with its band and the scale's
// source; with no probability typed, the reading fills the field and the origin says
// "mapped". Typing another number over it makes the origin the editor's estimate.
document.addEventListener("DOMContentLoaded", () => {
  const output = document.getElementById("phrase-reading");
  const phrase = document.getElementById("hedge_phrase");
  const scale = document.getElementById("scale");
  const probability = document.getElementById("probability");
  const origin = document.getElementById("probability_origin");
  if (!output || !phrase || !scale || !probability || !origin) return;
  let filled = null;  // the value this script put in the probability field
  let timer = null;
  // A claim logged as one that cannot be scored carries no number: the reading is shown,
  // not filled in, and a number this script filled in goes again.
  const reason = document.getElementById("unscorable_reason");
  const unscorable = () => Boolean(reason && reason.value);
  if (reason) {
    reason.addEventListener("change", () => {
      if (unscorable() && filled !== null && probability.value === filled) {
        probability.value = "";
        probability.dispatchEvent(new Event("input"));
        filled = null;
      } else if (!unscorable()) {
        show();
      }
    });
  }
  const percent = (p) => `${Math.round(p * 1000) / 10}%`;
  const show = async () => {
    const text = phrase.value.trim();
    if (!text) { output.hidden = true; return; }
    const url = `${output.dataset.readUrl}?phrase=${encodeURIComponent(text)}&scale=${encodeURIComponent(scale.value)}`;
    try {
      const answer = await (await fetch(url, { headers: { Accept: "application/json" } })).json();
      if (!answer.found) {
        output.textContent = answer.rule ? `${answer.field}: ${answer.rule}` : `The scale ${answer.scale} reads no phrase in “${text}”: type the probability.`;
      } else {
        output.textContent = `“${answer.phrase}” reads as ${percent(answer.probability)} (band ${percent(answer.low)}–${percent(answer.high)}) on ${answer.scale}. `;
        const source = document.createElement("small");
        source.className = "citation";
        source.textContent = `Source: ${answer.citation}`;
        output.append(source);
        if (!unscorable() && (!probability.value.trim() || probability.value === filled)) {
          filled = percent(answer.probability);
          probability.value = filled;
          probability.dispatchEvent(new Event("input"));
          if (answer.origin === "mapped") origin.value = "mapped";
        }
      }
      output.hidden = false;
    } catch (error) {
      output.hidden = true;  // the server reads it on saving anyway
    }
  };
  const later = () => { clearTimeout(timer); timer = setTimeout(show, 300); };
  phrase.addEventListener("input", later);
  scale.addEventListener("change", show);
  probability.addEventListener("input", () => {
    if (filled !== null && probability.value !== filled && origin.value === "mapped") {
      origin.value = "estimated";
      filled = null;
    }
  });
  if (phrase.value.trim()) show();
});
