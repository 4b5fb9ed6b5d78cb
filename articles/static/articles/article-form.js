// The article form in the desk: a live preview of the body beside it, "Insert image" from the
// image library, and tag suggestions. They ask the server (staff-only endpoints in
// articles/admin.py); the preview is rendered by the site's one sanitizer
// (mistralnews/markup.py), exactly as readers will see it. Without this script the form works
// as before: "View on site" opens the preview page, and the image library lists each image's
// Markdown to paste.
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

  // The snippet at the cursor (in place of the selection), as a paragraph of its own.
  function insertAtCursor(textarea, snippet) {
    const start = textarea.selectionStart;
    const end = textarea.selectionEnd;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(end);
    const lead = !before || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const trail = !after || after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    textarea.setRangeText(lead + snippet + trail, start, end, "end");
    textarea.dispatchEvent(new Event("input", { bubbles: true })); // the preview follows
    textarea.focus();
  }

  function imageInsert(body) {
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "insert-image__toggle";
    toggle.textContent = "Insert image…";
    toggle.setAttribute("aria-expanded", "false");
    const panel = document.createElement("div");
    panel.className = "insert-image";
    panel.id = body.id + "_images";
    panel.setAttribute("role", "group");
    panel.setAttribute("aria-label", "Images from the library");
    panel.hidden = true;
    toggle.setAttribute("aria-controls", panel.id);
    const bar = document.createElement("div");
    bar.className = "insert-image__bar";
    bar.append(toggle, panel);
    const pair = body.closest(".live-preview-pair") || body;
    pair.after(bar);

    async function load() {
      const response = await fetch(body.dataset.imagesUrl, { credentials: "same-origin" });
      if (!response.ok) throw new Error(response.status);
      const { images, library } = await response.json();
      const list = document.createElement("ul");
      for (const image of images) {
        const button = document.createElement("button");
        button.type = "button";
        const thumbnail = document.createElement("img");
        thumbnail.src = image.url;
        thumbnail.alt = "";
        const words = document.createElement("span");
        words.textContent = image.alt;
        button.append(thumbnail, words);
        button.addEventListener("click", function () {
          insertAtCursor(body, image.markdown);
          close();
        });
        const item = document.createElement("li");
        item.append(button);
        list.append(item);
      }
      const more = document.createElement("p");
      const link = document.createElement("a");
      link.href = library;
      link.target = "_blank";
      link.textContent = "the image library";
      more.append(images.length ? "Newest first. Upload others in " : "No images yet: upload them in ", link, ".");
      panel.replaceChildren(...(images.length ? [list] : []), more);
    }

    function close() {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
    }

    toggle.addEventListener("click", async function () {
      if (!panel.hidden) return close();
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      panel.textContent = "Loading the library…";
      try {
        await load();
      } catch (error) {
        panel.textContent = "The image library is unavailable; your text is not affected.";
      }
    });
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
    if (body && body.dataset.imagesUrl) imageInsert(body);
    const tags = document.querySelector("input[data-suggest-url]");
    if (tags) tagSuggestions(tags);
  });
})();
