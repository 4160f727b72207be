--- The language client: starts `terraconverse lsp` with `vim.lsp.start_client`
--- (Neovim 0.7 and newer), attaches Terraform buffers to it, sends requests, and
--- applies the server's workspace edits only when no buffer changed since the server
--- computed them.
local protocol = require('terraconverse.protocol')
local config_mod = require('terraconverse.config')

local M = {}

--- The running client's id, per root folder.
local clients = {}

local function has(feature)
  return vim.fn.has(feature) == 1
end

--- The folder the conversation writes into: the nearest root marker above `path`,
--- else the current directory.
function M.find_root(path, markers)
  -- Scratch buffers (the transcript, terraconverse://...) and unnamed ones have no folder.
  if path == '' or path:match('^%a[%w+.-]*://') then
    path = vim.fn.getcwd()
  end
  local dir = vim.fn.isdirectory(path) == 1 and path or vim.fn.fnamemodify(path, ':h')
  dir = vim.fn.fnamemodify(dir, ':p'):gsub('/$', '')
  local cwd = vim.fn.getcwd()
  local probe = dir
  while probe ~= '' do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(probe .. '/' .. marker) then
        return probe
      end
    end
    local parent = vim.fn.fnamemodify(probe, ':h')
    if parent == probe then
      break
    end
    probe = parent
  end
  -- No marker: the buffer's own folder when it is a file inside the working directory,
  -- else the working directory itself.
  if dir:sub(1, #cwd) == cwd then
    return dir
  end
  return cwd
end

--- The version Neovim's LSP client last reported for a buffer (nil when the buffer
--- is not attached, and so the server cannot have versioned an edit for it).
local function buffer_version(bufnr)
  local versions = vim.lsp.util.buf_versions
  if type(versions) == 'table' then
    return versions[bufnr]
  end
  return nil
end

--- Calls a client method the way this Neovim expects: 0.11 made them methods
--- (`client:stop()`), 0.7 to 0.10 have plain functions (`client.stop()`).
local function call(client, name, ...)
  if has('nvim-0.11') then
    return client[name](client, ...)
  end
  return client[name](...)
end

--- Which versioned text edits are for buffers that changed after the server computed
--- them. Neovim 0.7 drops such an edit silently but still answers "applied"; the
--- server must hear "not applied" so it recomputes against the new text.
function M.stale_edits(edit)
  local stale = {}
  for _, change in ipairs(edit.documentChanges or {}) do
    local doc = change.textDocument
    -- JSON null is nil on 0.7 but vim.NIL on newer versions: only numbers are versions.
    -- Version 0 is a real version (Neovim opens buffers at 0), though 0.7 skips it.
    if change.kind == nil and doc and type(doc.version) == 'number' and doc.version >= 0 then
      local bufnr = vim.fn.bufnr(vim.uri_to_fname(doc.uri))
      if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
        local current = buffer_version(bufnr)
        if current and current ~= doc.version then
          table.insert(stale, string.format('%s is at version %d, the edit was computed for %d', vim.uri_to_fname(doc.uri), current, doc.version))
        end
      end
    end
  end
  return stale
end

--- True while a workspace edit is being applied: buffers it loads are attached after it.
local applying = false

--- Every file a workspace edit writes text into, with whether its text ends in a blank
--- line before the edit (a loaded buffer's last line, else the file on disk), and
--- whether its buffer is loaded yet.
local function edit_targets(edit)
  local targets = {}
  for _, change in ipairs(edit.documentChanges or {}) do
    if change.kind == nil and change.textDocument then
      local name = vim.uri_to_fname(change.textDocument.uri)
      local bufnr = vim.fn.bufnr(name)
      local loaded = bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr)
      local blank
      if loaded then
        local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
        blank = #lines > 1 and lines[#lines] == ''
      else
        local f = io.open(name, 'rb')
        local text = f and f:read('*a') or ''
        if f then
          f:close()
        end
        blank = text:sub(-2) == '\n\n'
      end
      targets[name] = { loaded = loaded, blank = blank }
    end
  end
  return targets
end

local function apply_edit_handler(_, params, ctx)
  if not params or not params.edit then
    return { applied = false, failureReason = 'no edit' }
  end
  local stale = M.stale_edits(params.edit)
  if #stale > 0 then
    return { applied = false, failureReason = table.concat(stale, '; ') }
  end
  local client = vim.lsp.get_client_by_id(ctx.client_id)
  local encoding = client and client.offset_encoding or 'utf-16'
  local targets = edit_targets(params.edit)
  -- Buffers this edit loads are attached only once it is applied, so the server hears
  -- of each through one didOpen with the text it just wrote, rather than a didOpen with
  -- the old text and a didChange it might read after computing its next edit.
  applying = true
  local ok, err = pcall(vim.lsp.util.apply_workspace_edit, params.edit, encoding)
  applying = false
  for name, before in pairs(targets) do
    local bufnr = vim.fn.bufnr(name)
    if bufnr ~= -1 and vim.api.nvim_buf_is_loaded(bufnr) then
      -- Text that ends in a newline, inserted at the end of a buffer (a new file is one
      -- empty line), leaves an empty last line that would be saved as a trailing blank
      -- line the server never wrote. Drop it unless the file ended that way before.
      local count = vim.api.nvim_buf_line_count(bufnr)
      if not before.blank and count > 1 and vim.api.nvim_buf_get_lines(bufnr, count - 1, count, false)[1] == '' then
        vim.api.nvim_buf_set_lines(bufnr, count - 1, count, false, {})
      end
      if client and not before.loaded then
        vim.lsp.buf_attach_client(bufnr, client.id)
      end
    end
  end
  if not ok then
    return { applied = false, failureReason = tostring(err) }
  end
  require('terraconverse.conversation').note_edit(params.edit)
  return { applied = true }
end

--- Exposed for tests.
M.apply_edit_handler = apply_edit_handler

local function notification(name)
  return function(err, result)
    if err or not result then
      return
    end
    require('terraconverse.conversation').on_notification(name, result)
  end
end

local function capabilities()
  local caps = vim.lsp.protocol.make_client_capabilities()
  caps.workspace = caps.workspace or {}
  caps.workspace.applyEdit = true
  -- Neovim applies documentChanges and CreateFile (0.7 already does) but 0.7 does not say so.
  caps.workspace.workspaceEdit = vim.tbl_extend('force', caps.workspace.workspaceEdit or {}, {
    documentChanges = true,
    resourceOperations = { 'create', 'rename', 'delete' },
    failureHandling = 'abort',
  })
  return caps
end

--- The client configuration: what `vim.lsp.start_client` gets, and what
--- `lsp_config()` hands to nvim-lspconfig (which adds root_dir and workspace folders).
function M.spec(config)
  local handlers = {
    ['workspace/applyEdit'] = apply_edit_handler,
  }
  for key, method in pairs(protocol.notifications) do
    handlers[method] = notification(key)
  end
  return {
    name = 'terraconverse',
    cmd = config_mod.server_cmd(config),
    cmd_env = config.cmd_env,
    filetypes = config.filetypes,
    init_options = config.init_options,
    capabilities = capabilities(),
    handlers = handlers,
    on_attach = config.on_attach,
    -- Send every change at once: when one request writes several edits in a row, the
    -- server must see each result before it computes the next edit (0.7 waits 150 ms).
    flags = { debounce_text_changes = 0 },
  }
end

--- A running terraconverse client for `root` that someone else started (nvim-lspconfig).
local function existing(root)
  local list = vim.lsp.get_clients and vim.lsp.get_clients({ name = 'terraconverse' }) or vim.lsp.get_active_clients()
  for _, c in ipairs(list) do
    if c.name == 'terraconverse' and c.config.root_dir == root and not call(c, 'is_stopped') then
      return c
    end
  end
  return nil
end

--- The client for `root`, started when needed. Returns the client, or nil and why not.
function M.ensure(config, root)
  local id = clients[root]
  if id then
    local c = vim.lsp.get_client_by_id(id)
    if c and not call(c, 'is_stopped') then
      return c
    end
    clients[root] = nil
  end
  local other = existing(root)
  if other then
    clients[root] = other.id
    return other
  end
  local spec = M.spec(config)
  if vim.fn.executable(spec.cmd[1]) ~= 1 then
    return nil,
      string.format('cannot run %q: install terraconverse (cargo install --path server/cli) or set cmd in require("terraconverse").setup({ cmd = { "/path/to/terraconverse", "lsp" } })', spec.cmd[1])
  end
  spec.root_dir = root
  spec.workspace_folders = { { uri = vim.uri_from_fname(root), name = vim.fn.fnamemodify(root, ':t') } }
  local start = vim.lsp.start_client
  if has('nvim-0.11') and vim.lsp.start then
    -- 0.11 deprecates start_client; start without attaching keeps the same behaviour.
    start = function(s)
      return vim.lsp.start(s, { attach = false, reuse_client = function() return false end })
    end
  end
  id = start(spec)
  if not id then
    return nil, 'the terraconverse language server did not start; see :checkhealth terraconverse'
  end
  clients[root] = id
  -- Attach the open Terraform buffers under the root.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    M.attach_if_terraform(config, bufnr)
  end
  return vim.lsp.get_client_by_id(id)
end

--- Attaches `bufnr` to the client of its root when it is a Terraform file.
function M.attach_if_terraform(config, bufnr)
  if applying or not vim.api.nvim_buf_is_loaded(bufnr) then
    return
  end
  local name = vim.api.nvim_buf_get_name(bufnr)
  local ft = vim.bo[bufnr].filetype
  if not (name:match('%.tf$') or vim.tbl_contains(config.filetypes, ft)) then
    return
  end
  for root, id in pairs(clients) do
    if name:sub(1, #root + 1) == root .. '/' then
      vim.lsp.buf_attach_client(bufnr, id)
    end
  end
end

--- Runs `callback(nil)` once the server has answered `initialize` (servers refuse
--- requests before that, and `start_client` returns at once), or `callback(message)`
--- when it stopped or did not get there within `timeout_ms`.
function M.when_ready(client, callback, timeout_ms)
  local waited = 0
  local function check()
    if client.initialized then
      return callback(nil)
    end
    if call(client, 'is_stopped') or waited >= (timeout_ms or 15000) then
      return callback('the terraconverse language server did not finish starting; see :checkhealth terraconverse and the LSP log (:lua vim.cmd.edit(vim.lsp.get_log_path()))')
    end
    waited = waited + 20
    vim.defer_fn(check, 20)
  end
  check()
end

--- Sends a request; `callback(err, result)` runs on the main loop.
function M.request(client, method, params, callback)
  local handler = function(err, result)
    callback(err, result)
  end
  local ok, id = call(client, 'request', method, params, handler, 0)
  if not ok then
    callback({ message = 'the language server is not running (' .. tostring(id) .. ')' }, nil)
  end
end

--- Every client this plugin started, for status and health checks.
function M.all()
  local out = {}
  for root, id in pairs(clients) do
    local c = vim.lsp.get_client_by_id(id)
    if c then
      out[root] = c
    end
  end
  return out
end

--- Stops every client (tests and :TerraConverseStop).
function M.stop_all()
  for root, id in pairs(clients) do
    local c = vim.lsp.get_client_by_id(id)
    if c then
      call(c, 'stop')
    end
    clients[root] = nil
  end
end

return M
