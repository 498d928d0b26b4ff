-- include.lua - a pandoc filter that puts the kit's real code and measured tables on slides,
-- so a deck never drifts from the lesson it teaches. Paths are relative to the kit's top.
--
--   ```{.c include="lessons/03-locks/counter.c" function="counter_add_locked"}
--   ```                                   the function, with the comment just above it
--   ```{.c include="lessons/05-queues/queue.h" struct="queue"}
--   ```                                   the struct's definition
--   ```{.c include="lessons/02-races/race.c" from="^static void %*worker" to="^}"}
--   ```                                   from the first line matching `from` to `to`
--   ```{file="lessons/03-locks/README.md" section="5. What an increment costs" block=1}
--   ```                                   that section's first code block: a measured table;
--                                         add lines="3-12" (or "1-2,15-26") for some of its lines
-- Patterns are Lua patterns. Anything not found stops the build with a message. In the student
-- edition, which has no solutions/, a block from solutions/ becomes a line naming the file the
-- student writes it in.

local function fail(message)
  io.stderr:write('slides: ' .. message .. '\n')
  os.exit(1)
end

local function read_lines(path)
  local file = io.open(path, 'r')
  if not file then fail('cannot read ' .. path) end
  local lines = {}
  for line in file:lines() do lines[#lines + 1] = line end
  file:close()
  return lines
end

-- The comment block that ends just above line `first`, if there is one.
local function comment_start(lines, first)
  local i = first - 1
  if i < 1 or not lines[i]:match('%*/%s*$') then return first end
  while i >= 1 and not lines[i]:match('^%s*/%*') do i = i - 1 end
  return i >= 1 and i or first
end

local function escape(text)
  return (text:gsub('[%^%$%(%)%%%.%[%]%*%+%-%?]', '%%%0'))
end

local function extract(path, attributes)
  local lines = read_lines(path)
  local first, last
  if attributes['function'] then
    -- A definition starts in column 0, names the function and is not a prototype (no `;`).
    local name = escape(attributes['function'])
    for i, line in ipairs(lines) do
      if line:match('^[%a_]') and line:match('[%s%*]' .. name .. '%(') and not line:match(';%s*$') then
        first = i
        break
      end
    end
    if not first then fail('no function ' .. attributes['function'] .. ' in ' .. path) end
    for i = first, #lines do
      if lines[i] == '}' then last = i break end
    end
    first = comment_start(lines, first)
  elseif attributes['struct'] then
    local opening = '^struct ' .. escape(attributes['struct']) .. ' {'
    for i, line in ipairs(lines) do
      if not first and line:match(opening) then first = i end
      if first and line:match('^};') then last = i break end
    end
    if not first then fail('no struct ' .. attributes['struct'] .. ' in ' .. path) end
    first = comment_start(lines, first)
  elseif attributes['from'] then
    for i, line in ipairs(lines) do
      if not first and line:match(attributes['from']) then first = i end
      if first and i >= first and line:match(attributes['to'] or '^}') then last = i break end
    end
    if not first then fail('no line matching "' .. attributes['from'] .. '" in ' .. path) end
  else
    first = 1
    last = #lines
  end
  if not last then fail('no end of the code asked for in ' .. path) end
  return table.concat(lines, '\n', first, last)
end

-- The Nth code block (1 by default) of a README section, which runs up to the next heading of
-- its level or above: the lessons' READMEs quote measured tables in code blocks.
local function section_block(path, title, wanted)
  local file = io.open(path, 'r')
  if not file then fail('cannot read ' .. path) end
  local document = pandoc.read(file:read('a'), 'markdown')
  file:close()
  local level, count = nil, 0
  for _, block in ipairs(document.blocks) do
    if block.t == 'Header' then
      if level and block.level <= level then break end
      if not level and pandoc.utils.stringify(block) == title then level = block.level end
    elseif level and block.t == 'CodeBlock' then
      count = count + 1
      if count == wanted then return block end
    end
  end
  if not level then fail('no section "' .. title .. '" in ' .. path) end
  fail('section "' .. title .. '" of ' .. path .. ' has no code block ' .. wanted)
end

-- Some lines of a block: "3-12", or ranges joined by commas, "1-2,15-26" (1 is the first line),
-- so that a slide can show the rows of a long table under its heading row.
local function select_lines(text, ranges, path)
  local lines = {}
  for line in (text .. '\n'):gmatch('(.-)\n') do lines[#lines + 1] = line end
  local chosen = {}
  for first, last in ranges:gmatch('(%d+)%-(%d+)') do
    first, last = tonumber(first), tonumber(last)
    if first < 1 or last > #lines or first > last then
      fail('lines ' .. first .. '-' .. last .. ' are not in a block of ' .. #lines ..
           ' lines in ' .. path)
    end
    for i = first, last do chosen[#chosen + 1] = lines[i] end
  end
  if #chosen == 0 then fail('no lines "' .. ranges .. '" (write them as 3-12 or 1-2,15-26)') end
  return table.concat(chosen, '\n')
end

function CodeBlock(block)
  if block.attributes['section'] then
    local found = section_block(block.attributes['file'], block.attributes['section'],
                                tonumber(block.attributes['block'] or '1'))
    if block.attributes['lines'] then
      found.text = select_lines(found.text, block.attributes['lines'], block.attributes['file'])
    end
    found.classes = block.classes
    return found
  end
  local path = block.attributes['include']
  if not path then return nil end
  -- The student edition has no solutions/: a slide that shows an exercise's finished code
  -- says where the student writes it instead.
  local lesson_file = path:match('^solutions/(.*)$')
  if lesson_file and not io.open(path, 'r') then
    local what = block.attributes['function'] and ('`' .. block.attributes['function'] .. '` in ')
                 or ''
    return pandoc.BlockQuote(pandoc.read('An exercise of this lesson: ' .. what .. '`lessons/' ..
                                         lesson_file .. '`, which you write.', 'markdown').blocks)
  end
  block.text = extract(path, block.attributes)
  for _, key in ipairs({'include', 'function', 'struct', 'from', 'to'}) do
    block.attributes[key] = nil
  end
  return block
end

-- In the student edition, the traced diagrams come from the student's own run (`make diagrams`
-- in the lesson), which needs the exercises done: until then a slide says so in the diagram's
-- place, and the rest of the deck is built.
local is_edition = not os.rename('solutions', 'solutions')

function Image(image)
  if not is_edition or not image.src:match('^diagrams/') then return nil end
  local file = io.open('slides/' .. image.src, 'r')
  if file then file:close() return nil end
  local lesson = image.src:match('^diagrams/(%d%d%-[%a-]+)%-') or 'this lesson'
  return pandoc.Emph(pandoc.Str('(A diagram of your own program\'s traced run: run make diagrams in lessons/' ..
                                lesson .. ' once its exercises pass, then make slides again.)'))
end
