--[[
lkjip-quarto.lua: what Quarto's own crossref does not do the way the built-in
renderer (lkjip-nomor.lua) does it. Runs under Quarto only (listed in
_quarto.yml `filters:`; the built-in renderer does not pass it to pandoc), after
Quarto has parsed tables and figures into floats and before it numbers them.

* Tables of unnumbered chapters are numbered as in the built-in renderer:
  Lampiran tables "Tabel L.1", "Tabel L.2" ... (one sequence), those of another
  unnumbered chapter with the initials of its title ("Ikhtisar Eksekutif":
  "Tabel IE.1"). Quarto numbers floats of an unnumbered chapter with the number
  of the chapter before it ("Tabel 4.1", or "Tabel 1" before the first chapter)
  and appendices with letters ("Tabel A.1"), so the floats of an unnumbered
  level-1 heading (a Lampiran: title starting with "Lampiran", or class
  .lampiran) are taken out of Quarto's crossref: each becomes a plain table with
  its caption "Tabel L.n. Judul" and its id kept (HTML: the table's id; Typst: an
  unnumbered figure of kind "lkjip-lampiran" with the label). @tbl-x references to
  them in the same chapter become links.
* Typst: Quarto's book template lists `figure.where(kind: table)` in its list of
  tables, but Quarto's floats are of kind "quarto-float-tbl", so its Daftar
  Tabel and Daftar Gambar come out empty. They are switched off in _quarto.yml
  (lof/lot) and written here instead, after the first chapter (Kata Pengantar)
  as the built-in renderer does, with titles from `crossref: lot-title/lof-title`.

* Sections of an unnumbered chapter (Kata Pengantar, Lampiran) are unnumbered,
  as in the built-in renderer: Quarto would number a `## Judul` there with the
  number of the chapter before it ("4.1").
* Typst: chapter headings "BAB I" .. "BAB IV", running heads without the number
  of the chapter before an unnumbered one: templates/lkjip-bab.typ, imported
  here at the start of the body (after orange-book's rules, so it wins).

Options: number-depth, crossref.tbl-title, crossref.title-delim, crossref.lot-title,
crossref.lof-title (read from the document metadata).
]]

local stringify = pandoc.utils.stringify
local NBSP = "\u{00A0}"

local function is_typst()
  return FORMAT:match("typst") ~= nil
end

local function lampiran_title(text)
  return pandoc.text.lower(text):match("^lampiran") ~= nil
end

-- "Ikhtisar Eksekutif" -> "IE" (as filters/lkjip-nomor.lua)
local function initials(text)
  local out = ""
  for word in text:gmatch("%S+") do
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

-- The number prefix of a chapter's tables: "L" (Lampiran), the initials of an
-- unnumbered chapter's title, or nil (a numbered chapter: Quarto numbers it).
local function prefix_of(classes, text)
  if classes:includes("lampiran") or classes:includes("appendix") then
    return "L"
  end
  if not classes:includes("unnumbered") then
    return nil
  end
  if lampiran_title(text) then
    return "L"
  end
  return initials(text)
end

local function header_prefix(h)
  return prefix_of(h.classes, stringify(h.content))
end

local cfg = {
  tbl_title = "Tabel",
  delim = ".",
  lot_title = "Daftar Tabel",
  lof_title = "Daftar Gambar",
  number_depth = 3,
}
local start_unnumbered = false -- a chapter page of the HTML book of an unnumbered chapter
local start_prefix = nil -- HTML book page: the prefix of the chapter it starts in
local numbers = {} -- float id -> "L.1"

local function read_meta(meta)
  local crossref = meta.crossref or {}
  local function opt(key, default)
    if crossref[key] ~= nil then
      return stringify(crossref[key])
    end
    return default
  end
  cfg.tbl_title = opt("tbl-title", cfg.tbl_title)
  cfg.delim = opt("title-delim", cfg.delim)
  cfg.lot_title = opt("lot-title", cfg.lot_title)
  cfg.lof_title = opt("lof-title", cfg.lof_title)
  if meta["number-depth"] ~= nil then
    cfg.number_depth = tonumber(stringify(meta["number-depth"])) or cfg.number_depth
  end
  -- An HTML book page (one chapter): Quarto has moved the chapter's heading out
  -- of the body into the title; read it from the chapter file itself.
  if not is_typst() then
    start_prefix = nil
    if meta.title ~= nil and lampiran_title(stringify(meta.title)) then
      start_prefix = "L"
    end
    local ok, path = pcall(function()
      return quarto.doc.input_file
    end)
    if ok and path then
      local f = io.open(path, "r")
      if f then
        for line in f:lines() do
          local title = line:match("^#%s+(.*)$")
          if title then
            local attrs = title:match("{([^}]*)}%s*$") or ""
            local text = title:gsub("%s*{[^}]*}%s*$", "")
            start_unnumbered = attrs:match("%.unnumbered") ~= nil or attrs:match("^%s*%-%s*$") ~= nil
            local classes = pandoc.List({})
            for class in attrs:gmatch("%.([%w_-]+)") do
              classes:insert(class)
            end
            if start_unnumbered and not classes:includes("unnumbered") then
              classes:insert("unnumbered")
            end
            start_prefix = prefix_of(classes, text)
            break
          end
        end
        f:close()
      end
    end
  end
end

local function typst_inlines(inlines)
  local text = pandoc.write(pandoc.Pandoc({ pandoc.Plain(inlines) }), "typst")
  return (text:gsub("%s+$", ""))
end

local function caption_inlines(float)
  local cap = float.caption_long
  if cap == nil then
    return pandoc.Inlines({})
  end
  if cap.content ~= nil then
    return pandoc.Inlines(cap.content)
  end
  return pandoc.utils.blocks_to_inlines(pandoc.Blocks(cap))
end

-- Pass 1: number the tables of unnumbered chapters, in document order.
local count_pass = {
  traverse = "topdown",
  Meta = function(meta)
    read_meta(meta)
  end,
}

local in_unnumbered = false
local prefix = nil -- prefix of the chapter being walked (nil: a numbered chapter)
local counts = {} -- prefix -> tables numbered so far

-- Runs between the passes: back to the state at the start of the document.
local reset = {
  Meta = function()
    in_unnumbered = start_unnumbered
    prefix = start_prefix
    counts = {}
  end,
}

local function enter_chapter(h)
  prefix = header_prefix(h)
  if prefix ~= nil and prefix ~= "L" then
    counts[prefix] = 0 -- every Lampiran chapter continues one sequence; others restart
  end
end

local function number_pass()
  return {
    traverse = "topdown",
    Header = function(h)
      if h.level == 1 then
        enter_chapter(h)
      end
    end,
    FloatRefTarget = function(float)
      if prefix ~= nil and float.type == "Table" and float.identifier:match("^tbl%-") then
        counts[prefix] = (counts[prefix] or 0) + 1
        numbers[float.identifier] = prefix .. "." .. counts[prefix]
      end
    end,
  }
end

local function replace_pass()
  return {
    traverse = "topdown",
    Header = function(h)
      if h.level == 1 then
        enter_chapter(h)
        in_unnumbered = h.classes:includes("unnumbered")
      elseif in_unnumbered and not h.classes:includes("unnumbered") then
        h.classes:insert("unnumbered")
        return h
      end
    end,
    FloatRefTarget = function(float)
      local num = numbers[float.identifier]
      if num == nil or prefix == nil then
        return nil
      end
      local label = cfg.tbl_title .. NBSP .. num
      local inlines = pandoc.Inlines({
        pandoc.Span({ pandoc.Str(label .. cfg.delim) }, pandoc.Attr("", { "nomor-keterangan" })),
        pandoc.Space(),
      })
      inlines:extend(caption_inlines(float))
      local content = pandoc.Blocks(float.content)
      if is_typst() then
        local out = pandoc.Blocks({
          pandoc.RawBlock(
            "typst",
            "#figure(kind: \"lkjip-lampiran\", supplement: [" .. cfg.tbl_title .. "], numbering: none, caption: ["
              .. typst_inlines(inlines)
              .. "])["
          ),
        })
        out:extend(content)
        out:insert(pandoc.RawBlock("typst", "] <" .. float.identifier .. ">"))
        return out
      end
      -- HTML: a div with the id around the table, which gets the numbered caption
      -- and an anchor link (Quarto drops ids of plain tables).
      local done = false
      content = content:walk({
        Table = function(t)
          if done then
            return nil
          end
          done = true
          local anchor = pandoc.Link(
            { pandoc.Str("#") },
            "#" .. float.identifier,
            "",
            pandoc.Attr("", { "jangkar" }, { { "aria-label", "Tautan ke " .. label } })
          )
          t.caption.long = pandoc.Blocks({ pandoc.Plain(inlines .. { pandoc.Space(), anchor }) })
          return t
        end,
      })
      return pandoc.Div(content, pandoc.Attr(float.identifier, { "tabel-lampiran" }))
    end,
    Cite = function(c)
      local out = pandoc.Inlines({})
      for i, citation in ipairs(c.citations) do
        local num = numbers[citation.id]
        if num == nil then
          return nil
        end
        if i > 1 then
          out:insert(pandoc.Str(","))
          out:insert(pandoc.Space())
        end
        out:insert(pandoc.Link({ pandoc.Str(cfg.tbl_title .. NBSP .. num) }, "#" .. citation.id))
        out:extend(citation.suffix)
      end
      return out
    end,
  }
end

-- Typst: chapter numbering (templates/lkjip-bab.typ), Daftar Tabel and Daftar
-- Gambar after the first chapter (see above).
local function lists_pass()
  return {
    Pandoc = function(doc)
      if not is_typst() then
        return nil
      end
      local front = pandoc.Blocks({
        pandoc.RawBlock(
          "typst",
          "#outline(title: ["
            .. cfg.lot_title
            .. '], target: figure.where(kind: "quarto-float-tbl").or(figure.where(kind: "lkjip-lampiran")))'
        ),
        pandoc.RawBlock(
          "typst",
          "#outline(title: [" .. cfg.lof_title .. '], target: figure.where(kind: "quarto-float-fig"))'
        ),
      })
      local blocks = pandoc.Blocks({
        pandoc.RawBlock(
          "typst",
          '#import "templates/lkjip-bab.typ": lkjip-bab\n#show: lkjip-bab.with(number-depth: '
            .. math.floor(cfg.number_depth)
            .. ")"
        ),
      })
      local h1, placed, skipping = 0, false, false
      for _, b in ipairs(doc.blocks) do
        if b.t == "Header" and b.level == 1 then
          -- the HTML book's Daftar Tabel/Gambar pages (render.py): not in the PDF
          skipping = b.classes:includes("lkjip-daftar")
          if not skipping then
            h1 = h1 + 1
            if h1 == 2 and not placed then
              blocks:extend(front)
              placed = true
            end
          end
        end
        -- (raw blocks are kept: Quarto marks where each chapter file starts with them)
        if not skipping or b.t == "RawBlock" then
          blocks:insert(b)
        end
      end
      if not placed then
        blocks:extend(front)
      end
      doc.blocks = blocks
      return doc
    end,
  }
end

return { count_pass, reset, number_pass(), reset, replace_pass(), lists_pass() }
