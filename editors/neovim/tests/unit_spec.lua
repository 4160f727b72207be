-- Unit tests of the plugin's pure parts: the items offered for a question, option
-- checking, root finding, refusing stale edits, and the transcript.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':h') .. '/harness.lua')
local conversation = require('terraconverse.conversation')
local config = require('terraconverse.config')
local client = require('terraconverse.client')
local transcript = require('terraconverse.transcript')

local function labels(items)
  return vim.tbl_map(function(i)
    return i.label
  end, items)
end

h.test('a question with choices offers the default first, then the other choices and the actions', function()
  local items = conversation.items({ text = 'Region?', default = 'eu-central-1', choices = { 'us-east-1', 'eu-central-1' } }, {})
  h.eq({
    'eu-central-1 (default)',
    'us-east-1',
    'Type another answer...',
    'Skip',
    'Back',
    'Accept all remaining defaults',
    'Pause (resume with :TerraConverse)',
    'Cancel the conversation',
  }, labels(items))
  h.eq({ action = 'default' }, items[1].answer)
  h.eq({ text = 'us-east-1' }, items[2].answer)
  h.eq('input', items[3].op)
  h.eq({ action = 'acceptAllDefaults' }, items[6].answer)
end)

h.test('a default outside the choices, and no default at all', function()
  h.eq('Accept default: 3', labels(conversation.items({ text = 'n', default = '3', choices = { '1', '2' } }, {}))[3])
  local none = labels(conversation.items({ text = 'n', default = vim.NIL, choices = { 'a' } }, {}))
  h.eq('a', none[1])
  h.truthy(not vim.tbl_contains(none, 'Accept default: a'))
end)

h.test('a warning that needs confirmation offers decline first, then confirm', function()
  local items = conversation.items({ text = 'Public?', default = 'no', choices = { 'yes', 'no' } }, { { rule = 'TC-RDS-002', message = 'm', needsConfirmation = true } })
  h.eq('Choose something safer', items[1].label)
  h.eq({ action = 'decline' }, items[1].answer)
  h.eq({ action = 'confirm' }, items[2].answer)
  h.eq(nil, items[3].answer and items[3].answer.text, 'no plain choice is offered while a warning waits')
end)

h.test('question titles show progress', function()
  h.eq('[2/5] Which?', conversation.title({ text = 'Which?', progress = { current = 2, total = 5 } }))
  h.eq('Which?', conversation.title({ text = 'Which?', progress = vim.NIL }))
end)

h.test('options are checked, with the fix in the message', function()
  local rows = {
    { { autowrite = false }, nil },
    { { autowrit = true }, 'unknown option "autowrit"; the options are: autowrite, cmd, cmd_env, filetypes, init_options, on_attach, root_markers, transcript' },
    { { autowrite = 'yes' }, 'option "autowrite" must be a boolean, not a string' },
    { { transcript = 'float' }, "option transcript must be 'split', 'vsplit', 'tab' or 'none', not \"float\"" },
    { 'x', 'terraconverse.setup() takes a table, e.g. setup({ autowrite = false })' },
  }
  for _, row in ipairs(rows) do
    local cfg, err = config.resolve(row[1])
    h.eq(row[2], err, vim.inspect(row[1]))
    if not row[2] then
      h.eq(false, cfg.autowrite)
      h.eq('split', cfg.transcript, 'defaults fill the rest')
    end
  end
end)

h.test('the server command: cmd, else $TERRACONVERSE_PATH, else PATH', function()
  h.eq({ '/x/tc', 'lsp' }, config.server_cmd({ cmd = { '/x/tc', 'lsp' } }))
  vim.env.TERRACONVERSE_PATH = '/opt/terraconverse'
  h.eq({ '/opt/terraconverse', 'lsp' }, config.server_cmd({}))
  vim.env.TERRACONVERSE_PATH = nil
  h.eq({ 'terraconverse', 'lsp' }, config.server_cmd({}))
end)

h.test('the root is the nearest folder with a marker', function()
  local base = vim.fn.tempname()
  vim.fn.mkdir(base .. '/infra/modules/db', 'p')
  vim.fn.mkdir(base .. '/infra/.terraform', 'p')
  base = vim.loop.fs_realpath(base)
  h.eq(base .. '/infra', client.find_root(base .. '/infra/modules/db/main.tf', { '.terraform', '.git' }))
  h.eq(base .. '/infra', client.find_root(base .. '/infra', { '.terraform' }))
  vim.cmd('cd ' .. vim.fn.fnameescape(base .. '/infra/modules'))
  h.eq(base .. '/infra', client.find_root('terraconverse://transcript', { '.terraform' }), 'the transcript buffer uses the working directory')
  h.eq(base .. '/infra', client.find_root('', { '.terraform' }))
  vim.cmd('cd -')
end)

h.test('an edit computed for an older buffer version is refused, a current one is not', function()
  local path = vim.fn.tempname() .. '.tf'
  h.write(path, 'a = 1\n')
  vim.cmd('edit ' .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  local uri = vim.uri_from_fname(path)
  vim.lsp.util.buf_versions[bufnr] = 7
  local function edit(version)
    return { documentChanges = { { textDocument = { uri = uri, version = version }, edits = {} } } }
  end
  h.eq({}, client.stale_edits(edit(7)))
  h.eq({}, client.stale_edits(edit(nil)), 'an unversioned edit is not checked')
  h.eq({}, client.stale_edits(edit(vim.NIL)), 'a JSON null version (vim.NIL on newer Neovim) is not checked')
  local stale = client.stale_edits(edit(5))
  h.eq(1, #stale)
  h.truthy(stale[1]:find('is at version 7, the edit was computed for 5', 1, true), stale[1])
  h.eq({}, client.stale_edits({ documentChanges = { { kind = 'create', uri = uri } } }), 'file operations are not versioned')
  -- A buffer just opened is at version 0: an edit computed for it after it changed is stale too.
  vim.lsp.util.buf_versions[bufnr] = 3
  h.eq(1, #client.stale_edits(edit(0)), 'an edit for version 0 of a changed buffer is refused')
  vim.lsp.util.buf_versions[bufnr] = nil
  vim.cmd('bwipeout!')
end)

h.test('applying an edit: new files get no trailing blank line, a user\'s own is kept', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local new, mine = dir .. '/new.tf', dir .. '/mine.tf'
  h.write(mine, 'a = 1\n\n')
  local function insert(uri, line)
    return { textDocument = { uri = uri }, edits = { { range = { start = { line = line, character = 0 }, ['end'] = { line = line, character = 0 } }, newText = 'b = 2\n' } } }
  end
  local edit = { documentChanges = {
    { kind = 'create', uri = vim.uri_from_fname(new), options = { ignoreIfExists = true } },
    insert(vim.uri_from_fname(new), 0),
    insert(vim.uri_from_fname(mine), 0),
  } }
  local reply = client.apply_edit_handler(nil, { edit = edit }, { client_id = -1 })
  h.eq({ applied = true }, reply)
  h.eq({ 'b = 2' }, vim.api.nvim_buf_get_lines(vim.fn.bufnr(new), 0, -1, false))
  h.eq({ 'b = 2', 'a = 1', '' }, vim.api.nvim_buf_get_lines(vim.fn.bufnr(mine), 0, -1, false))
  vim.cmd('bwipeout! ' .. vim.fn.bufnr(new) .. ' ' .. vim.fn.bufnr(mine))
end)

h.test('the transcript is a scratch buffer that only grows', function()
  transcript.append('first', 'second\nthird')
  local lines = transcript.lines()
  h.eq({ 'first', 'second', 'third' }, { lines[#lines - 2], lines[#lines - 1], lines[#lines] })
  local bufnr = transcript.buffer()
  h.eq('nofile', vim.bo[bufnr].buftype)
  h.eq(false, vim.bo[bufnr].modifiable)
  h.eq('terraconverse://transcript', vim.api.nvim_buf_get_name(bufnr))
end)

h.test('the commands exist', function()
  local commands = vim.api.nvim_get_commands({})
  for _, name in ipairs({ 'TerraConverse', 'TerraConverseStatus', 'TerraConverseCancel', 'TerraConverseBack', 'TerraConverseDefaults' }) do
    h.truthy(commands[name], name .. ' is not defined')
  end
end)

h.test('the help file has a tag for every command and option', function()
  local src = vim.fn.fnamemodify(debug.getinfo(1, 'S').source:sub(2), ':p:h:h') .. '/doc/terraconverse.txt'
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  vim.fn.writefile(vim.fn.readfile(src), dir .. '/terraconverse.txt')
  vim.cmd('helptags ' .. vim.fn.fnameescape(dir))
  local tags = table.concat(vim.fn.readfile(dir .. '/tags'), '\n')
  for _, tag in ipairs({ 'terraconverse', ':TerraConverse', ':TerraConverseStatus', ':TerraConverseCancel', ':TerraConverseBack', ':TerraConverseDefaults', 'terraconverse-options', 'terraconverse-health' }) do
    h.truthy(tags:find('\n' .. vim.pesc(tag) .. '\t') or tags:find('^' .. vim.pesc(tag) .. '\t'), 'no help tag ' .. tag)
  end
  local text = table.concat(vim.fn.readfile(src), '\n')
  for key in pairs(config.defaults) do
    h.truthy(text:find('`' .. key .. '`', 1, true), 'the help does not describe option ' .. key)
  end
end)

h.test(':checkhealth terraconverse reports the missing binary with the fix', function()
  require('terraconverse').setup({ cmd = { '/nonexistent/terraconverse', 'lsp' } })
  vim.cmd('silent checkhealth terraconverse')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  h.truthy(text:find('cannot run "/nonexistent/terraconverse"', 1, true), text)
  h.truthy(text:find('cargo install --path server/cli', 1, true), text)
  h.truthy(text:find('OK', 1, true) and text:find('Neovim 0.', 1, true), text)
  vim.cmd('bwipeout!')
  require('terraconverse').setup({})
end)

h.test('a question notification arriving after the answer that carried it is not asked again', function()
  local asked = 0
  vim.ui.select = function()
    asked = asked + 1
  end
  vim.ui.input = vim.ui.select
  local q = { id = 'db.engine', text = 'Engine?', choices = { 'postgres' }, default = 'postgres', progress = { current = 2, total = 5 } }
  conversation.reset()
  conversation.state.conversation = 'c1'
  conversation.state.question = q
  conversation.on_notification('question', { conversation = 'c1', question = vim.deepcopy(q), messages = { 'again' } })
  conversation.on_notification('warnings', { conversation = 'c1', warnings = {} })
  vim.wait(50, function() return false end)
  h.eq(0, asked, 'the repeated question was asked again')
  local later = vim.tbl_extend('force', vim.deepcopy(q), { id = 'db.size', progress = { current = 3, total = 5 } })
  conversation.on_notification('question', { conversation = 'c1', question = later, messages = {} })
  vim.wait(200, function() return asked > 0 end)
  h.eq(1, asked, 'a new question (a resumed conversation) is asked')
  conversation.on_notification('question', { conversation = 'c2', question = later, messages = {} })
  vim.wait(50, function() return false end)
  h.eq(1, asked, 'another conversation is ignored')
  conversation.reset()
end)

h.test('lsp_config() gives nvim-lspconfig everything the conversation needs', function()
  local cfg = require('terraconverse').lsp_config({ cmd = { '/opt/tc', 'lsp' } })
  h.eq({ '/opt/tc', 'lsp' }, cfg.cmd)
  h.eq('terraconverse', cfg.name)
  h.eq('function', type(cfg.root_dir))
  h.eq(0, cfg.flags.debounce_text_changes)
  h.eq(true, cfg.capabilities.workspace.workspaceEdit.documentChanges)
  for _, method in pairs(require('terraconverse.protocol').notifications) do
    h.eq('function', type(cfg.handlers[method]), 'no handler for ' .. method)
  end
  h.eq('function', type(cfg.handlers['workspace/applyEdit']))
  require('terraconverse').setup({})
end)

h.finish()
