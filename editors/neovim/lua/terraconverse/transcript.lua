--- The conversation's transcript: a scratch buffer (`terraconverse://transcript`)
--- that records every question, answer, warning and message, so the user can scroll
--- back through what was decided and why.
local M = {}

local NAME = 'terraconverse://transcript'

local function find()
  local bufnr = vim.fn.bufnr(NAME)
  if bufnr ~= -1 and vim.api.nvim_buf_is_valid(bufnr) then
    return bufnr
  end
  return nil
end

--- The transcript buffer, created on first use.
function M.buffer()
  local bufnr = find()
  if bufnr then
    return bufnr
  end
  bufnr = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_name(bufnr, NAME)
  vim.bo[bufnr].buftype = 'nofile'
  vim.bo[bufnr].bufhidden = 'hide'
  vim.bo[bufnr].swapfile = false
  vim.bo[bufnr].filetype = 'terraconverse'
  vim.bo[bufnr].modifiable = false
  return bufnr
end

--- Shows the transcript in a window (unless `where` is 'none' or it is already shown).
function M.show(where)
  if where == 'none' then
    return
  end
  local bufnr = M.buffer()
  if vim.fn.bufwinid(bufnr) ~= -1 then
    return
  end
  local current = vim.api.nvim_get_current_win()
  local open = { split = 'botright 12split', vsplit = 'botright 60vsplit', tab = 'tabnew' }
  vim.cmd(open[where] or open.split)
  vim.api.nvim_win_set_buf(0, bufnr)
  vim.wo.wrap = true
  vim.wo.number = false
  if where ~= 'tab' then
    vim.api.nvim_set_current_win(current)
  end
end

--- Appends lines (a string may hold several lines).
function M.append(...)
  local bufnr = M.buffer()
  local lines = {}
  for _, text in ipairs({ ... }) do
    for _, line in ipairs(vim.split(tostring(text), '\n', { plain = true })) do
      table.insert(lines, line)
    end
  end
  vim.bo[bufnr].modifiable = true
  local count = vim.api.nvim_buf_line_count(bufnr)
  local empty = count == 1 and vim.api.nvim_buf_get_lines(bufnr, 0, 1, false)[1] == ''
  vim.api.nvim_buf_set_lines(bufnr, empty and 0 or count, -1, false, lines)
  vim.bo[bufnr].modifiable = false
  -- Keep the newest line in view in every window that shows the transcript.
  for _, win in ipairs(vim.api.nvim_list_wins()) do
    if vim.api.nvim_win_get_buf(win) == bufnr then
      vim.api.nvim_win_set_cursor(win, { vim.api.nvim_buf_line_count(bufnr), 0 })
    end
  end
end

--- Every line, for tests and :TerraConverseStatus.
function M.lines()
  local bufnr = find()
  if not bufnr then
    return {}
  end
  return vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
end

return M
