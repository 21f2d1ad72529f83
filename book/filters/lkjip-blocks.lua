--[[
lkjip-blocks.lua: report-specific blocks, for both renderers (Quarto and built-in).

* `::: {.tanda-tangan}`: the signature block, right-aligned with its lines centred
  (HTML: lkjip.css; Typst: an #align(right) block written here).
* `::: {.ruang-tanda-tangan}` inside it: the blank space for the handwritten
  signature (HTML: lkjip.css; Typst: #v()).
* `::: {.catatan-tabel}`: notes under a table ("Sumber: ..."), in small type.
]]

local function is_typst()
  return FORMAT:match("typst") ~= nil
end

function Div(el)
  if el.classes:includes("ruang-tanda-tangan") then
    if is_typst() then
      return pandoc.RawBlock("typst", "#v(3.5em)")
    end
    return el
  end
  if el.classes:includes("catatan-tabel") then
    if is_typst() then
      el.attributes["typst:text:size"] = "9pt"
    end
    return el
  end
  if el.classes:includes("tanda-tangan") and is_typst() then
    local blocks = pandoc.List({
      pandoc.RawBlock(
        "typst",
        "#align(right)[#block(width: 62%, breakable: false)[#set align(center)\n#set par(justify: false)"
      ),
    })
    blocks:extend(el.content)
    blocks:insert(pandoc.RawBlock("typst", "]]"))
    return blocks
  end
  return nil
end
