--[[
lkjip-nomor.lua: numbering, cross references and front-matter lists for the
built-in renderer (lkjip_helpers/render.py). Quarto does all of this itself and
does not use this filter.

The same filter runs for the HTML and for the Typst output, so chapters, sections,
tables and figures carry the same numbers in both (the number is written into the
text, Typst's own numbering is switched off):

* chapter (level 1, numbered):   "BAB I"    + title, counters of tables/figures reset;
* section (levels 2..number-depth): "1.1", "1.1.1" (Quarto's section numbers);
* table with id tbl-x:  caption "Tabel 3.1. Judul" (title, chapter.n, title-delim);
* figure with id fig-x: caption "Gambar 3.1. Judul"; the image alt text is fig-alt;
* unnumbered chapters ({.unnumbered}): no number; their tables and figures carry the
  initials of the chapter's title ("Ikhtisar Eksekutif": "Tabel IE.1", "Tabel IE.2"),
  so they never read as a table of a numbered chapter ("Tabel 1" beside "Tabel 1.1");
  Lampiran chapters (class .lampiran/.appendix or a title starting with "Lampiran")
  share one sequence "Tabel L.1", "Tabel L.2" ...
* @tbl-x / @fig-x / @sec-x become links reading "Tabel 3.1" / "Gambar 3.1" /
  "Bab 3" or "Subbab 3.1"; an unknown label is reported on stderr as
  "LKJIP-UNRESOLVED <label>" (render.py turns it into a BuildError);
* Daftar Isi, Daftar Tabel and Daftar Gambar are inserted after the first chapter
  when it is unnumbered (Kata Pengantar), else before the first chapter: in HTML as
  lists of links, in Typst as #outline() (with page numbers);
* HTML: every numbered table and figure gets an anchor link ("#", class jangkar)
  at the end of its caption;
* tables: the column widths of the attribute tbl-colwidths="[30,12.5,...]" (percent
  of the text width, as Quarto reads it; written by lkjip_helpers from the content);
* Typst: page numbers switch from roman (front matter) to arabic at the first
  numbered chapter; wide tables get a smaller font; figures fill the text width.

Chapter mode (render.py renders and caches each chapter file on its own): with
metadata lkjip-state-file, the filter starts from the numbering state the chapters
before it left (chapter counter, section and table/figure counters, the ids used,
where the lists go) and writes to lkjip-index-file its own end state and what the
whole book needs from it: its labels, Daftar Isi/Tabel/Gambar entries, each rendered
in the output format. Cross references become tokens (U+E000 label U+E001) that
render.py replaces with the label, and the place of the lists a placeholder
(<!--LKJIP-FRONT--> or // LKJIP-FRONT), so a chapter's output depends on nothing
but its own text and the state it starts from.

Options come from metadata set by render.py (read from _quarto.yml):
lkjip-tbl-title, lkjip-fig-title, lkjip-title-delim, lkjip-ch-prefix,
lkjip-sec-prefix, lkjip-number-depth, lkjip-toc-depth, lkjip-toc-title,
lkjip-lot-title, lkjip-lof-title, lkjip-lampiran-prefix.
]]

local stringify = pandoc.utils.stringify
local NBSP = "\u{00A0}"

local function is_typst()
  return FORMAT:match("typst") ~= nil
end

local function opt(meta, key, default)
  local v = meta[key]
  if v == nil then
    return default
  end
  return stringify(v)
end

local function roman(n)
  return pandoc.utils.to_roman_numeral(n)
end

local function is_lampiran(h)
  if h.classes:includes("lampiran") or h.classes:includes("appendix") then
    return true
  end
  local t = pandoc.text.lower(stringify(h.content))
  return t:match("^lampiran") ~= nil
end

-- "Ikhtisar Eksekutif" -> "IE": the number prefix of an unnumbered chapter's tables.
local function initials(h)
  local out = ""
  for word in stringify(h.content):gmatch("%S+") do
    local first = word:match("^%a")
    if first then
      out = out .. first:upper()
    end
  end
  if out == "" then
    return nil
  end
  return out
end

local function raw(text)
  if is_typst() then
    return pandoc.RawBlock("typst", text)
  end
  return nil
end

local NOWRAP = pandoc.WriterOptions({ wrap_text = "wrap-none" })

-- Inlines written in the output format, on one line (chapter mode's index).
local function rendered(inlines)
  local out = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), FORMAT, NOWRAP)
  return (out:gsub("%s+$", ""))
end

local function read_json(path)
  local fh = assert(io.open(path, "r"))
  local text = fh:read("a")
  fh:close()
  return pandoc.json.decode(text, false)
end

local function write_json(path, value)
  local fh = assert(io.open(path, "w"))
  fh:write(pandoc.json.encode(value))
  fh:close()
end

local REF_OPEN, REF_CLOSE = "\u{E000}", "\u{E001}"

function Pandoc(doc)
  local meta = doc.meta
  local cfg = {
    tbl_title = opt(meta, "lkjip-tbl-title", "Tabel"),
    fig_title = opt(meta, "lkjip-fig-title", "Gambar"),
    delim = opt(meta, "lkjip-title-delim", "."),
    ch_prefix = opt(meta, "lkjip-ch-prefix", "Bab"),
    sec_prefix = opt(meta, "lkjip-sec-prefix", "Subbab"),
    number_depth = tonumber(opt(meta, "lkjip-number-depth", "3")) or 3,
    toc_depth = tonumber(opt(meta, "lkjip-toc-depth", "3")) or 3,
    toc_title = opt(meta, "lkjip-toc-title", "Daftar Isi"),
    lot_title = opt(meta, "lkjip-lot-title", "Daftar Tabel"),
    lof_title = opt(meta, "lkjip-lof-title", "Daftar Gambar"),
    lampiran_prefix = opt(meta, "lkjip-lampiran-prefix", "L"),
  }

  local entries = {} -- id -> { label = "Tabel 3.1" }
  local toc, lot, lof = {}, {}, {}
  -- A one-chapter preview starts counting where its chapter stands in the book.
  local chapter = tonumber(opt(meta, "lkjip-chapter-offset", "0")) or 0
  local prefix = nil -- "3", "L", "IE" (initials of an unnumbered chapter) or nil
  local in_lampiran = false
  local numbered = false -- in a numbered chapter
  local sec = { 0, 0, 0, 0, 0, 0 }
  local count = { tbl = 0, fig = 0 }
  local lampiran_count = { tbl = 0, fig = 0 } -- several Lampiran chapters share one sequence
  -- where the lists go (see the end); carried from chapter to chapter in chapter mode
  local h1_index, first_unnumbered, placed, numbered_seen = 0, false, false, false
  local used_ids, this_ids = {}, {} -- header ids of the chapters before / of this one

  local state_file = meta["lkjip-state-file"] and stringify(meta["lkjip-state-file"])
  local chapter_mode = state_file ~= nil
  if chapter_mode then
    local st = read_json(state_file)
    local int = math.tointeger -- JSON numbers come back as floats ("1.0")
    chapter = int(st.chapter)
    prefix = st.prefix ~= "" and st.prefix or nil
    in_lampiran, numbered = st.in_lampiran, st.numbered
    sec = {}
    for i, n in ipairs(st.sec) do
      sec[i] = int(n)
    end
    count = { tbl = int(st.count[1]), fig = int(st.count[2]) }
    lampiran_count = { tbl = int(st.lampiran_count[1]), fig = int(st.lampiran_count[2]) }
    h1_index, first_unnumbered = int(st.h1_index), st.first_unnumbered
    placed, numbered_seen = st.placed, st.numbered_seen
    for _, id in ipairs(st.ids) do
      used_ids[id] = true
    end
  end

  -- Read as one document, pandoc makes header ids unique across the chapters; read
  -- alone, a chapter does it again against the ids of the chapters before it.
  local function unique_id(id)
    if id == "" then
      return id
    end
    if used_ids[id] then
      local n = 1
      while used_ids[id .. "-" .. n] or this_ids[id .. "-" .. n] do
        n = n + 1
      end
      id = id .. "-" .. n
    end
    this_ids[id] = true
    return id
  end

  local function number_of(kind)
    local c = count
    if in_lampiran then
      c = lampiran_count
    end
    c[kind] = c[kind] + 1
    if prefix then
      return prefix .. "." .. c[kind]
    end
    return tostring(c[kind])
  end

  local function plain_inlines(inlines)
    return pandoc.Inlines(inlines):walk({
      Link = function(l)
        return l.content
      end,
      Note = function()
        return {}
      end,
    })
  end

  local function prepend_caption(blocks, label_text)
    local label = pandoc.Span({ pandoc.Str(label_text .. cfg.delim) }, pandoc.Attr("", { "nomor-keterangan" }))
    if #blocks == 0 then
      return { pandoc.Plain({ label }) }
    end
    local first = blocks[1]
    if first.t == "Plain" or first.t == "Para" then
      local content = pandoc.List({ label, pandoc.Space() })
      content:extend(first.content)
      first.content = content
    else
      table.insert(blocks, 1, pandoc.Plain({ label }))
    end
    return blocks
  end

  local function header(h)
    if chapter_mode then
      h.identifier = unique_id(h.identifier)
    end
    if h.level == 1 then
      count.tbl, count.fig = 0, 0
      sec = { 0, 0, 0, 0, 0, 0 }
      if h.classes:includes("unnumbered") then
        numbered = false
        in_lampiran = is_lampiran(h)
        if in_lampiran then
          prefix = cfg.lampiran_prefix
        else
          prefix = initials(h)
        end
      else
        numbered = true
        in_lampiran = false
        chapter = chapter + 1
        prefix = tostring(chapter)
        local number = pandoc.Span(
          { pandoc.Str("BAB"), pandoc.Str(NBSP), pandoc.Str(roman(chapter)) },
          pandoc.Attr("", { "nomor-bab" })
        )
        local content = pandoc.List({ number, pandoc.Space() })
        content:extend(h.content)
        h.content = content
        h.classes:insert("bab")
        if h.identifier:match("^sec%-") then
          entries[h.identifier] = { label = cfg.ch_prefix .. NBSP .. chapter }
        end
      end
    elseif numbered and not h.classes:includes("unnumbered") and h.level <= math.min(cfg.number_depth, 6) then
      sec[h.level] = sec[h.level] + 1
      for i = h.level + 1, 6 do
        sec[i] = 0
      end
      local parts = { tostring(chapter) }
      for i = 2, h.level do
        table.insert(parts, tostring(sec[i]))
      end
      local num = table.concat(parts, ".")
      local content = pandoc.List({
        pandoc.Span({ pandoc.Str(num) }, pandoc.Attr("", { "header-section-number" })),
        pandoc.Space(),
      })
      content:extend(h.content)
      h.content = content
      if h.identifier:match("^sec%-") then
        entries[h.identifier] = { label = cfg.sec_prefix .. NBSP .. num }
      end
    elseif h.identifier:match("^sec%-") then
      entries[h.identifier] = { label = stringify(h.content) }
    end
    if h.level <= cfg.toc_depth and not h.classes:includes("unlisted") and h.identifier ~= "" then
      table.insert(toc, { level = h.level, id = h.identifier, content = plain_inlines(h.content) })
    end
    return h
  end

  -- HTML: a link to the table/figure itself ("#"), to copy and send to a colleague.
  local function add_anchor(blocks, id, label)
    if is_typst() then
      return blocks
    end
    local link = pandoc.Link(
      { pandoc.Str("#") },
      "#" .. id,
      "",
      pandoc.Attr("", { "jangkar" }, { { "aria-label", "Tautan ke " .. label } })
    )
    local last = blocks[#blocks]
    if last and (last.t == "Plain" or last.t == "Para") then
      last.content:insert(pandoc.Space())
      last.content:insert(link)
    end
    return blocks
  end

  local function tbl(t)
    local id = t.identifier
    if not id:match("^tbl%-") then
      return t
    end
    local label = cfg.tbl_title .. NBSP .. number_of("tbl")
    local caption_inlines = plain_inlines(pandoc.utils.blocks_to_inlines(t.caption.long))
    entries[id] = { label = label }
    table.insert(lot, { id = id, label = label, caption = caption_inlines })
    t.caption.long = add_anchor(prepend_caption(t.caption.long, label), id, label)
    -- Column widths computed from content by lkjip_helpers (laporan/display.py
    -- column_widths), in percent of the text width: Quarto's tbl-colwidths.
    local colwidths = t.attributes["tbl-colwidths"]
    if colwidths ~= nil then
      t.attributes["tbl-colwidths"] = nil
      local i = 0
      for value in colwidths:gmatch("[%d.]+") do
        i = i + 1
        if t.colspecs[i] ~= nil then
          t.colspecs[i] = { t.colspecs[i][1], tonumber(value) / 100 }
        end
      end
    end
    local ncols = #t.colspecs
    local size = nil
    if ncols >= 7 then
      t.classes:insert("tabel-lebar")
      size = "8pt"
    elseif ncols >= 5 then
      t.classes:insert("tabel-sedang")
      size = "9pt"
    end
    if size and is_typst() then
      t.attributes["typst:text:size"] = size
    end
    return t
  end

  local function fig(f)
    local id = f.identifier
    f = f:walk({
      Image = function(img)
        local alt = img.attributes["fig-alt"]
        if alt ~= nil then
          img.caption = { pandoc.Str(alt) }
          img.attributes["fig-alt"] = nil
        end
        if is_typst() and img.attributes["width"] == nil then
          img.attributes["width"] = "100%"
        end
        return img
      end,
    })
    if not id:match("^fig%-") then
      return f
    end
    local label = cfg.fig_title .. NBSP .. number_of("fig")
    local caption_inlines = plain_inlines(pandoc.utils.blocks_to_inlines(f.caption.long))
    entries[id] = { label = label }
    table.insert(lof, { id = id, label = label, caption = caption_inlines })
    f.caption.long = add_anchor(prepend_caption(f.caption.long, label), id, label)
    return f
  end

  -- Pass 1: number everything, in document order.
  doc = doc:walk({ traverse = "topdown", Header = header, Table = tbl, Figure = fig })

  -- Pass 2: resolve @tbl-x / @fig-x / @sec-x.
  doc = doc:walk({
    Cite = function(c)
      local out = pandoc.List()
      local crossref = false
      for i, citation in ipairs(c.citations) do
        local id = citation.id
        if id:match("^tbl%-") or id:match("^fig%-") or id:match("^sec%-") then
          crossref = true
          if i > 1 then
            out:insert(pandoc.Str(","))
            out:insert(pandoc.Space())
          end
          local e = entries[id]
          if chapter_mode then
            -- the label may be in another chapter: render.py writes it in
            out:insert(pandoc.Link({ pandoc.Str(REF_OPEN .. id .. REF_CLOSE) }, "#" .. id))
          elseif e then
            out:insert(pandoc.Link({ pandoc.Str(e.label) }, "#" .. id))
          else
            io.stderr:write("LKJIP-UNRESOLVED " .. id .. "\n")
            out:insert(pandoc.Strong({ pandoc.Str("?@" .. id) }))
          end
          if #citation.suffix > 0 then
            out:extend(citation.suffix)
          end
        end
      end
      if crossref then
        return out
      end
      return c.content
    end,
  })

  -- Front matter: Daftar Isi, Daftar Tabel, Daftar Gambar.
  local front = pandoc.List()
  if chapter_mode then
    -- render.py puts the lists of the whole book here
    if is_typst() then
      front:insert(pandoc.RawBlock("typst", "// LKJIP-FRONT"))
    else
      front:insert(pandoc.RawBlock("html", "<!--LKJIP-FRONT-->"))
    end
  elseif is_typst() then
    front:insert(raw("#outline(title: [" .. cfg.toc_title .. "], depth: " .. cfg.toc_depth .. ")"))
    if #lot > 0 then
      front:insert(raw("#outline(title: [" .. cfg.lot_title .. "], target: figure.where(kind: table))"))
    end
    if #lof > 0 then
      front:insert(raw("#outline(title: [" .. cfg.lof_title .. "], target: figure.where(kind: image))"))
    end
  else
    local function title(text, id)
      return pandoc.Header(1, { pandoc.Str(text) }, pandoc.Attr(id, { "unnumbered", "unlisted", "judul-daftar" }))
    end
    -- nested list of headings
    local function build(level_items)
      local items = pandoc.List()
      local i = 1
      local list = pandoc.List()
      while i <= #level_items do
        local e = level_items[i]
        local children = {}
        local j = i + 1
        while j <= #level_items and level_items[j].level > e.level do
          table.insert(children, level_items[j])
          j = j + 1
        end
        local item = pandoc.List({ pandoc.Plain({ pandoc.Link(e.content, "#" .. e.id) }) })
        if #children > 0 then
          item:insert(build(children))
        end
        list:insert(item)
        i = j
      end
      return pandoc.BulletList(list)
    end
    -- ids on the wrapping divs (#daftar-isi a = the links), "-judul" on their titles
    front:insert(
      pandoc.Div({ title(cfg.toc_title, "daftar-isi-judul"), build(toc) }, pandoc.Attr("daftar-isi", { "daftar" }))
    )
    local function listing(items, text, id, class)
      local list = pandoc.List()
      for _, e in ipairs(items) do
        local inl = pandoc.List({ pandoc.Str(e.label .. cfg.delim), pandoc.Space() })
        inl:extend(e.caption)
        list:insert({ pandoc.Plain({ pandoc.Link(inl, "#" .. e.id) }) })
      end
      return pandoc.Div({ title(text, id .. "-judul"), pandoc.BulletList(list) }, pandoc.Attr(id, { "daftar", class }))
    end
    if #lot > 0 then
      front:insert(listing(lot, cfg.lot_title, "daftar-tabel", "daftar-tabel"))
    end
    if #lof > 0 then
      front:insert(listing(lof, cfg.lof_title, "daftar-gambar", "daftar-gambar"))
    end
  end

  -- Where the lists go: after the first chapter when it is unnumbered front matter
  -- (Kata Pengantar), else before the first chapter.
  local blocks = pandoc.List()
  for _, b in ipairs(doc.blocks) do
    if b.t == "Header" and b.level == 1 then
      h1_index = h1_index + 1
      local unnumbered = b.classes:includes("unnumbered")
      if h1_index == 1 then
        first_unnumbered = unnumbered
      end
      if not placed and (h1_index == 2 or not first_unnumbered) then
        blocks:extend(front)
        placed = true
      end
      if is_typst() and not unnumbered and not numbered_seen then
        blocks:insert(raw('#pagebreak(weak: true)\n#set page(numbering: "1")\n#counter(page).update(1)'))
        numbered_seen = true
      end
    end
    blocks:insert(b)
  end
  if chapter_mode then
    -- The lists go after the last chapter when no chapter took them: render.py.
    doc.blocks = blocks
    local index_file = stringify(meta["lkjip-index-file"])
    local ids = {}
    for id in pairs(used_ids) do
      table.insert(ids, id)
    end
    for id in pairs(this_ids) do
      table.insert(ids, id)
    end
    table.sort(ids)
    local labels = {}
    for id, e in pairs(entries) do
      labels[id] = rendered({ pandoc.Str(e.label) })
    end
    local function listing(items)
      local out = {}
      for _, e in ipairs(items) do
        local inl = pandoc.List({ pandoc.Str(e.label .. cfg.delim), pandoc.Space() })
        inl:extend(e.caption)
        table.insert(out, rendered({ pandoc.Link(inl, "#" .. e.id) }))
      end
      return out
    end
    local contents = {}
    for _, e in ipairs(toc) do
      table.insert(contents, {
        level = e.level,
        id = e.id,
        link = rendered({ pandoc.Link(e.content, "#" .. e.id) }),
        sidebar = rendered({ pandoc.Link(e.content, "#" .. e.id, "", pandoc.Attr("toc-" .. e.id)) }),
      })
    end
    local function title(text, id)
      local h = pandoc.Header(1, { pandoc.Str(text) }, pandoc.Attr(id, { "unnumbered", "unlisted", "judul-daftar" }))
      return (pandoc.write(pandoc.Pandoc({ h }), FORMAT, NOWRAP):gsub("%s+$", ""))
    end
    write_json(index_file, {
      state = {
        chapter = chapter,
        prefix = prefix or "",
        in_lampiran = in_lampiran,
        numbered = numbered,
        sec = sec,
        count = { count.tbl, count.fig },
        lampiran_count = { lampiran_count.tbl, lampiran_count.fig },
        h1_index = h1_index,
        first_unnumbered = first_unnumbered,
        placed = placed,
        numbered_seen = numbered_seen,
        ids = ids,
      },
      labels = labels,
      contents = contents,
      tables = listing(lot),
      figures = listing(lof),
      front = {
        toc_title = title(cfg.toc_title, "daftar-isi-judul"),
        lot_title = title(cfg.lot_title, "daftar-tabel-judul"),
        lof_title = title(cfg.lof_title, "daftar-gambar-judul"),
        toc_typst = "#outline(title: [" .. cfg.toc_title .. "], depth: " .. cfg.toc_depth .. ")",
        lot_typst = "#outline(title: [" .. cfg.lot_title .. "], target: figure.where(kind: table))",
        lof_typst = "#outline(title: [" .. cfg.lof_title .. "], target: figure.where(kind: image))",
      },
    })
    return doc
  end
  if not placed then
    blocks:extend(front)
  end
  doc.blocks = blocks
  return doc
end
