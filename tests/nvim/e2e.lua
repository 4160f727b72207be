-- Neovim (0.7+) end to end against the real `terraconverse lsp`: plain
-- vim.lsp.start_client + buf_attach_client, no plugin. Opens the workspace's main.tf,
-- types into it, starts "add a postgres database" (the first question offers the
-- folder's VPC), types again, takes every default, checks that each question's
-- notification came before its response and what status says, writes all buffers
-- and quits; tests/nvim/run.sh then checks the files on disk.
-- Environment: TC_BIN (the terraconverse binary), TC_WS (the workspace folder).

local bin, ws = os.getenv("TC_BIN"), os.getenv("TC_WS")

local function fail(msg)
  io.stderr:write("nvim e2e: " .. msg .. "\n")
  vim.cmd("cquit 1")
end

vim.cmd("edit " .. ws .. "/main.tf")
local buf = vim.api.nvim_get_current_buf()
local notifications = {}

local client_id = vim.lsp.start_client({
  name = "terraconverse",
  cmd = { bin, "lsp" },
  root_dir = ws,
  workspace_folders = { { uri = vim.uri_from_fname(ws), name = "ws" } },
  flags = { debounce_text_changes = 50 },
  handlers = {
    ["terraconverse/question"] = function(_, params) table.insert(notifications, { "question", params }) end,
    ["terraconverse/complete"] = function(_, params) table.insert(notifications, { "complete", params }) end,
    ["terraconverse/warnings"] = function(_, params) table.insert(notifications, { "warnings", params }) end,
    ["workspace/applyEdit"] = function(_, params, ctx)
      local client = vim.lsp.get_client_by_id(ctx.client_id)
      local ok, err = pcall(vim.lsp.util.apply_workspace_edit, params.edit, client.offset_encoding)
      return { applied = ok, failureReason = (not ok) and tostring(err) or nil }
    end,
  },
})
if not client_id then fail("could not start the server") end
vim.lsp.buf_attach_client(buf, client_id)
local client = vim.lsp.get_client_by_id(client_id)
if not vim.wait(20000, function() return client.initialized end, 20) then fail("server did not initialize") end

-- The user types a line at the top before anything is generated.
vim.api.nvim_buf_set_lines(buf, 0, 0, false, { "# typed in Neovim before the conversation ✍️" })

local function request(method, params)
  local res, err = client.request_sync(method, params, 60000, buf)
  if not res then fail(method .. ": " .. tostring(err)) end
  if res.err then fail(method .. ": " .. vim.inspect(res.err)) end
  return res.result
end

-- The question notification of a turn must already be here when its response is.
local function last_question()
  for i = #notifications, 1, -1 do
    if notifications[i][1] == "question" then return notifications[i][2].question.id end
  end
end

local turn = request("terraconverse/start", { request = "add a postgres database" })
local id = turn.conversation
-- The folder's VPC is offered first, reuse being the default.
if turn.question.id ~= "reuse.vpc" or turn.question.default ~= "yes" then
  fail("the existing VPC was not offered first: " .. vim.inspect(turn.question))
end
if last_question() ~= turn.question.id then fail("the first question notification came after the response") end
-- The user types at the end of main.tf between the question and the answer.
vim.api.nvim_buf_set_lines(buf, -1, -1, false, { "# typed between question and answer 🙂" })
local answered = 0
while not turn.complete do
  if not turn.question then fail("no question and not complete: " .. vim.inspect(turn)) end
  if answered > 200 then fail("the conversation does not end") end
  turn = request("terraconverse/answer", { conversation = id, action = "default" })
  if turn.rejection ~= vim.NIL and turn.rejection ~= nil then fail("default refused: " .. turn.rejection) end
  if turn.edit and turn.edit.failure ~= vim.NIL and turn.edit.failure ~= nil then fail("edit failed: " .. turn.edit.failure) end
  if turn.question and turn.question ~= vim.NIL and last_question() ~= turn.question.id then
    fail(("the question notification for %s came after the response"):format(turn.question.id))
  end
  answered = answered + 1
end
local status = request("terraconverse/status", { conversation = id })
if status.region ~= "us-east-1" or #status.remaining ~= 0 or status.reused[1] ~= "vpc = aws_vpc.main" then
  fail("status: " .. vim.inspect({ region = status.region, remaining = status.remaining, reused = status.reused }))
end
if not vim.wait(5000, function()
  for _, n in ipairs(notifications) do if n[1] == "complete" then return true end end
  return false
end, 20) then fail("no terraconverse/complete notification") end

local questions = 0
for _, n in ipairs(notifications) do if n[1] == "question" then questions = questions + 1 end end
if questions < answered then fail(("only %d question notifications for %d answers"):format(questions, answered)) end

-- Let the last edits' didChange reach the server, then write every buffer.
vim.wait(300)
vim.cmd("silent! wall")
local unsaved = {}
for _, b in ipairs(vim.api.nvim_list_bufs()) do
  if vim.api.nvim_buf_is_loaded(b) and vim.api.nvim_buf_get_option(b, "modified") then
    table.insert(unsaved, vim.api.nvim_buf_get_name(b))
  end
end
if #unsaved > 0 then fail("buffers not written: " .. table.concat(unsaved, ", ")) end
print(("nvim e2e: %d answers, conversation %s complete"):format(answered, id))
client.stop()
vim.wait(2000, function() return client.is_stopped() end, 20)
vim.cmd("qa!")
