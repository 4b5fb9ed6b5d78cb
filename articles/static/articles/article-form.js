// The article form in the desk: a live preview of the body beside it, and tag suggestions.
// Both ask the server (staff-only endpoints in articles/admin.py); the preview is rendered by
// the site's one sanitizer (mistralnews/markup.py), exactly as readers will see it. Without
// this script the form works as before, and "View on site" opens the preview page.
"use strict";

(function () {
  function csrfToken(form) {
    const input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function debounce(wait, action) {
    let timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(action, wait);
    };
  }

  function livePreview(body) {
    const form = body.form;
    const panel = document.createElement("section");
    panel.className = "live-preview";
    panel.setAttribute("aria-label", "Live preview");
    // It scrolls when the body is long: keyboard users reach it too.
    panel.tabIndex = 0;
    const heading = document.createElement("h3");
    heading.textContent = "Preview";
    const status = document.createElement("p");
    status.className = "live-preview__status";
    status.setAttribute("role", "status");
    const output = document.createElement("div");
    output.className = "live-preview__body prose";
    panel.append(heading, status, output);
    const pair = document.createElement("div");
    pair.className = "live-preview-pair";
    body.parentNode.insertBefore(pair, body);
    pair.append(body, panel);

    let sent = 0;
    async function refresh() {
      const number = ++sent;
      const data = new FormData();
      data.append("body", body.value);
      try {
        const response = await fetch(body.dataset.previewUrl, {
          method: "POST",
          body: data,
          headers: { "X-CSRFToken": csrfToken(form) },
          credentials: "same-origin",
        });
        if (number !== sent) return; // a newer preview is on its way
        if (!response.ok) throw new Error(response.status);
        // HTML from our own sanitizer: the same the article page prints. Parsed in an inert
        // template first, so that no image from another site is fetched: saving refuses those.
        const parsed = document.createElement("template");
        parsed.innerHTML = await response.text();
        for (const image of parsed.content.querySelectorAll("img")) {
          const source = new URL(image.getAttribute("src") || "", location.href);
          if (source.origin === location.origin) continue;
          const refused = document.createElement("strong");
          refused.className = "live-preview__refused";
          refused.textContent = `[An image from another site, which saving refuses: ${source.href}]`;
          image.replaceWith(refused);
        }
        output.replaceChildren(parsed.content);
        status.textContent = "";
      } catch (error) {
        if (number === sent) status.textContent = "Preview unavailable; your text is not affected.";
      }
    }
    body.addEventListener("input", debounce(400, refresh));
    refresh();
  }

  function tagSuggestions(input) {
    const list = document.createElement("datalist");
    list.id = input.id + "_suggestions";
    input.after(list);
    input.setAttribute("list", list.id);
    input.setAttribute("autocomplete", "off");

    const suggest = debounce(200, async function () {
      // Only the tag being typed, after the last comma, is completed.
      const cut = input.value.lastIndexOf(",");
      const before = cut === -1 ? "" : input.value.slice(0, cut + 1) + " ";
      const typed = input.value.slice(cut + 1).trim();
      if (!typed) {
        list.replaceChildren();
        return;
      }
      const url = input.dataset.suggestUrl + "?" + new URLSearchParams({ q: typed });
      const response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) return;
      const { tags } = await response.json();
      list.replaceChildren(
        ...tags.map(function (name) {
          const option = document.createElement("option");
          option.value = before.trimStart() + (name.includes(" ") || name.includes(",") ? '"' + name + '"' : name);
          option.label = name;
          return option;
        }),
      );
    });
    input.addEventListener("input", suggest);
  }

  // The admin loads its scripts in <head>: wait for the form.
  document.addEventListener("DOMContentLoaded", function () {
    const body = document.querySelector("textarea[data-preview-url]");
    if (body) livePreview(body);
    const tags = document.querySelector("input[data-suggest-url]");
    if (tags) tagSuggestions(tags);
  });
})();
