--- A small test harness for Neovim headless runs: `test(name, fn)` runs fn and records
--- the result, `finish()` prints "N passed, M failed" and exits non-zero on failure.
local M = { passed = 0, failed = 0 }

local function out(line)
  io.stdout:write(line .. '\n')
end

function M.test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    M.passed = M.passed + 1
    out('ok - ' .. name)
  else
    M.failed = M.failed + 1
    out('not ok - ' .. name)
    for _, line in ipairs(vim.split(tostring(err), '\n', { plain = true })) do
      out('    ' .. line)
    end
  end
end

function M.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(string.format('%s\n  expected: %s\n  actual:   %s', what or 'values differ', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

function M.truthy(value, what)
  if not value then
    error(what or 'expected a true value', 2)
  end
end

--- Waits until `cond()` is true or fails after `ms` milliseconds.
function M.wait_for(cond, ms, what)
  if not vim.wait(ms or 10000, cond, 20) then
    error('timed out waiting for ' .. (what or 'a condition'), 2)
  end
end

function M.read(path)
  local f = io.open(path, 'r')
  if not f then
    return nil
  end
  local s = f:read('*a')
  f:close()
  return s
end

function M.write(path, text)
  local f = assert(io.open(path, 'w'))
  f:write(text)
  f:close()
end

function M.finish()
  out(string.format('%d passed, %d failed', M.passed, M.failed))
  vim.cmd(M.failed == 0 and 'qa!' or 'cquit 1')
end

--- Replaces vim.ui.select/input with a script of answers. Each step is
--- { prompt = 'lua pattern', pick = 'item label' } for select or
--- { prompt = 'lua pattern', input = 'text' | nil } for input. Records what was asked.
function M.script_ui(steps)
  local asked = {}
  local i = 0
  local function step(kind, prompt)
    i = i + 1
    local s = steps[i]
    table.insert(asked, { kind = kind, prompt = prompt })
    if not s then
      error(string.format('unexpected %s #%d: %q', kind, i, prompt))
    end
    if not prompt:find(s.prompt) then
      error(string.format('%s #%d asked %q, expected a prompt matching %q', kind, i, prompt, s.prompt))
    end
    return s
  end
  vim.ui.select = function(items, opts, on_choice)
    local s = step('select', opts.prompt or '')
    local labels = {}
    for _, item in ipairs(items) do
      table.insert(labels, opts.format_item and opts.format_item(item) or tostring(item))
    end
    asked[#asked].labels = labels
    for idx, label in ipairs(labels) do
      if label == s.pick then
        return on_choice(items[idx], idx)
      end
    end
    error(string.format('select %q has no item %q; it has: %s', opts.prompt, s.pick, table.concat(labels, ' | ')))
  end
  vim.ui.input = function(opts, on_confirm)
    local s = step('input', opts.prompt or '')
    asked[#asked].default = opts.default
    return on_confirm(s.input)
  end
  return asked, function()
    return i
  end
end

--- Replaces vim.ui.select/input with `policy(kind, prompt, labels_or_default)`, which
--- returns the label to pick or the text to type (nil cancels). Stops after `limit`
--- prompts so a conversation that never ends fails instead of hanging.
function M.auto_ui(policy, limit)
  local count = 0
  local function tick(prompt)
    count = count + 1
    if count > (limit or 80) then
      error('more than ' .. (limit or 80) .. ' prompts; the last was ' .. prompt)
    end
  end
  vim.ui.select = function(items, opts, on_choice)
    tick(opts.prompt or '')
    local labels = {}
    for _, item in ipairs(items) do
      table.insert(labels, opts.format_item and opts.format_item(item) or tostring(item))
    end
    local pick = policy('select', opts.prompt or '', labels)
    for idx, label in ipairs(labels) do
      if label == pick then
        return on_choice(items[idx], idx)
      end
    end
    error(string.format('the policy picked %q, which %q does not offer: %s', tostring(pick), opts.prompt, table.concat(labels, ' | ')))
  end
  vim.ui.input = function(opts, on_confirm)
    tick(opts.prompt or '')
    return on_confirm(policy('input', opts.prompt or '', opts.default))
  end
  return function()
    return count
  end
end

return M
